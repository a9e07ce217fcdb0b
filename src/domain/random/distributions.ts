/**
 * Samplers for the distributions behind the buy-till-you-die process, over an injected uniform
 * source so that every simulation is reproducible from a seed.
 */
export type Uniform = () => number;

/** Standard normal by Box-Muller. */
export function sampleNormal(u: Uniform): number {
  let a = u();
  while (a <= Number.MIN_VALUE) a = u();
  return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape, rate) by Marsaglia & Tsang (2000); shape < 1 via the boost u^(1/shape). */
export function sampleGamma(u: Uniform, shape: number, rate: number): number {
  if (shape < 1) {
    let v = u();
    while (v <= 0) v = u();
    return sampleGamma(u, shape + 1, rate) * v ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(u);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x ** 4 || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v)))
      return (d * v) / rate;
  }
}

export function sampleBeta(u: Uniform, a: number, b: number): number {
  const x = sampleGamma(u, a, 1);
  const y = sampleGamma(u, b, 1);
  return x / (x + y);
}

export function sampleExponential(u: Uniform, rate: number): number {
  let a = u();
  while (a <= 0) a = u();
  return -Math.log(a) / rate;
}

export function samplePoisson(u: Uniform, mean: number): number {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * sampleNormal(u)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = u();
  while (p > limit) {
    k++;
    p *= u();
  }
  return k;
}
