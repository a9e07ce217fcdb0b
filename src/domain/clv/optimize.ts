/**
 * Unconstrained minimisation for the model fits, which all work on log-parameters: Nelder-Mead
 * to get robustly into the basin (it needs no gradient and shrugs off the flat ridges of these
 * likelihoods), then BFGS with a strong-Wolfe line search to converge tightly; plus the
 * finite-difference Hessians and the Cholesky inverse behind the standard errors.
 */

/**
 * A function to minimise. When `grad` is given it must be filled with the gradient at `x`.
 * Non-finite values are allowed and mean "outside the usable region".
 */
export type Objective = (x: Float64Array, grad: Float64Array | null) => number;

/** Outcome of a minimisation. */
export interface MinimizeResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Largest absolute gradient component at `x` (NaN when the method has no gradient). */
  gradientNorm: number;
  /** BFGS only: the final inverse-Hessian approximation (to warm-start a related problem). */
  inverseHessian?: Float64Array[];
  /** BFGS only: the gradient at `x`. */
  gradient?: Float64Array;
}

export interface NelderMeadOptions {
  maxEvaluations?: number;
  /** Edge of the initial simplex along each axis. */
  initialStep?: number;
  /** Stop when the spread of simplex values falls below this (absolute). */
  fTolerance?: number;
  /** ... and the simplex is smaller than this along every axis. */
  xTolerance?: number;
}

export interface BfgsOptions {
  maxIterations?: number;
  /** Converged when every gradient component is below this. */
  gradientTolerance?: number;
  /** Starting inverse Hessian, e.g. from the same model fitted on a subsample. */
  initialInverseHessian?: Float64Array[];
}

/** Values of f that are NaN count as +Infinity so that comparisons stay meaningful. */
function clean(v: number): number {
  return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
}

/**
 * Nelder-Mead with the dimension-adapted coefficients of Gao & Han (2012), which behave better
 * than the textbook ones beyond two dimensions.
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  x0: Float64Array,
  options: NelderMeadOptions = {},
): MinimizeResult {
  const n = x0.length;
  const maxEval = options.maxEvaluations ?? 400 * n;
  const step = options.initialStep ?? 0.5;
  const fTol = options.fTolerance ?? 1e-10;
  const xTol = options.xTolerance ?? 1e-6;
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;

  let evaluations = 0;
  const evalAt = (x: Float64Array): number => {
    evaluations++;
    return clean(f(x));
  };
  const simplex: Float64Array[] = [Float64Array.from(x0)];
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from(x0);
    v[i] = (v[i] as number) + step;
    simplex.push(v);
  }
  const values = simplex.map(evalAt);
  const order = simplex.map((_, i) => i);
  let iterations = 0;
  const centroid = new Float64Array(n);
  const trial = (from: Float64Array, coef: number): Float64Array => {
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++)
      out[j] = (centroid[j] as number) + coef * ((from[j] as number) - (centroid[j] as number));
    return out;
  };

  while (evaluations < maxEval) {
    order.sort((i, j) => (values[i] as number) - (values[j] as number));
    const best = order[0] as number;
    const worst = order[n] as number;
    const secondWorst = order[n - 1] as number;
    if (converged(simplex, values, best, worst, fTol, xTol)) break;
    iterations++;
    centroid.fill(0);
    for (const i of order.slice(0, n)) {
      const v = simplex[i] as Float64Array;
      for (let j = 0; j < n; j++) centroid[j] = (centroid[j] as number) + (v[j] as number) / n;
    }
    const worstPoint = simplex[worst] as Float64Array;
    const reflected = trial(worstPoint, -alpha);
    const fr = evalAt(reflected);
    const fBest = values[best] as number;
    if (fr < fBest) {
      const expanded = trial(worstPoint, -alpha * beta);
      const fe = evalAt(expanded);
      if (fe < fr) replace(simplex, values, worst, expanded, fe);
      else replace(simplex, values, worst, reflected, fr);
      continue;
    }
    if (fr < (values[secondWorst] as number)) {
      replace(simplex, values, worst, reflected, fr);
      continue;
    }
    const outside = fr < (values[worst] as number);
    const contracted = outside ? trial(worstPoint, -alpha * gamma) : trial(worstPoint, gamma);
    const fc = evalAt(contracted);
    if (fc < (outside ? fr : (values[worst] as number))) {
      replace(simplex, values, worst, contracted, fc);
      continue;
    }
    shrink(simplex, values, best, delta, evalAt);
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if ((values[i] as number) < (values[bestIndex] as number)) bestIndex = i;
  return {
    x: simplex[bestIndex] as Float64Array,
    f: values[bestIndex] as number,
    iterations,
    evaluations,
    converged: evaluations < maxEval,
    gradientNorm: Number.NaN,
  };
}

function converged(
  simplex: Float64Array[],
  values: number[],
  best: number,
  worst: number,
  fTol: number,
  xTol: number,
): boolean {
  const fb = values[best] as number;
  const fw = values[worst] as number;
  if (!(Math.abs(fw - fb) <= fTol)) return false;
  const b = simplex[best] as Float64Array;
  for (const v of simplex) {
    for (let j = 0; j < b.length; j++) if (Math.abs((v[j] as number) - (b[j] as number)) > xTol) return false;
  }
  return true;
}

function replace(simplex: Float64Array[], values: number[], i: number, x: Float64Array, fx: number): void {
  simplex[i] = x;
  values[i] = fx;
}

function shrink(
  simplex: Float64Array[],
  values: number[],
  best: number,
  delta: number,
  evalAt: (x: Float64Array) => number,
): void {
  const b = simplex[best] as Float64Array;
  for (let i = 0; i < simplex.length; i++) {
    if (i === best) continue;
    const v = simplex[i] as Float64Array;
    for (let j = 0; j < v.length; j++)
      v[j] = (b[j] as number) + delta * ((v[j] as number) - (b[j] as number));
    values[i] = evalAt(v);
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

interface LinePoint {
  alpha: number;
  f: number;
  g: Float64Array;
  slope: number;
}

/**
 * Strong-Wolfe line search (Nocedal & Wright, algorithms 3.5 and 3.6) with safeguarded cubic
 * interpolation. A non-finite value shrinks the step, which keeps BFGS out of regions where
 * the likelihood under- or overflows. Returns null when no acceptable point is found.
 */
function wolfeLineSearch(
  objective: Objective,
  x: Float64Array,
  f0: number,
  slope0: number,
  d: Float64Array,
  alphaStart: number,
  count: () => void,
): LinePoint | null {
  const c1 = 1e-4;
  const c2 = 0.9;
  const n = x.length;
  const point = (alpha: number): LinePoint => {
    const xt = new Float64Array(n);
    for (let i = 0; i < n; i++) xt[i] = (x[i] as number) + alpha * (d[i] as number);
    const g = new Float64Array(n);
    count();
    const f = clean(objective(xt, g));
    return { alpha, f, g, slope: Number.isFinite(f) ? dot(g, d) : Number.NaN };
  };
  const armijo = (p: LinePoint): boolean => p.f <= f0 + c1 * p.alpha * slope0;
  const curvature = (p: LinePoint): boolean => Math.abs(p.slope) <= -c2 * slope0;

  const zoom = (lo: LinePoint, hi: LinePoint): LinePoint | null => {
    let a = lo;
    let b = hi;
    for (let i = 0; i < 30; i++) {
      const alpha = interpolate(a, b);
      const p = point(alpha);
      if (!Number.isFinite(p.f) || !armijo(p) || p.f >= a.f) b = p;
      else {
        if (curvature(p)) return p;
        if (p.slope * (b.alpha - a.alpha) >= 0) b = a;
        a = p;
      }
      if (Math.abs(b.alpha - a.alpha) < 1e-14 * Math.max(1, a.alpha)) break;
    }
    return a.alpha > 0 && armijo(a) ? a : null;
  };

  let prev: LinePoint = { alpha: 0, f: f0, g: new Float64Array(n), slope: slope0 };
  let alpha = alphaStart;
  for (let i = 0; i < 60; i++) {
    const p = point(alpha);
    if (!Number.isFinite(p.f)) {
      // Outside the region where the objective is defined: come back towards the last point.
      alpha = prev.alpha + 0.2 * (alpha - prev.alpha);
      if (alpha - prev.alpha < 1e-16) return prev.alpha > 0 ? prev : null;
      continue;
    }
    if (!armijo(p) || (i > 0 && p.f >= prev.f)) return zoom(prev, p);
    if (curvature(p)) return p;
    if (p.slope >= 0) return zoom(p, prev);
    prev = p;
    alpha *= 2;
  }
  return prev.alpha > 0 ? prev : null;
}

/** Minimiser of the cubic through two points with slopes, kept inside the bracket. */
function interpolate(a: LinePoint, b: LinePoint): number {
  const lo = Math.min(a.alpha, b.alpha);
  const hi = Math.max(a.alpha, b.alpha);
  const mid = 0.5 * (lo + hi);
  if (!Number.isFinite(b.f) || !Number.isFinite(b.slope) || !Number.isFinite(a.slope)) return mid;
  const d1 = a.slope + b.slope - (3 * (a.f - b.f)) / (a.alpha - b.alpha);
  const disc = d1 * d1 - a.slope * b.slope;
  if (!(disc >= 0)) return mid;
  const d2 = Math.sign(b.alpha - a.alpha) * Math.sqrt(disc);
  const t = b.alpha - ((b.alpha - a.alpha) * (b.slope + d2 - d1)) / (b.slope - a.slope + 2 * d2);
  const margin = 0.1 * (hi - lo);
  if (!Number.isFinite(t) || t < lo + margin || t > hi - margin) return mid;
  return t;
}

/**
 * BFGS on the inverse Hessian. The first step is scaled by yᵀs / yᵀy (Shanno-Phua); updates
 * with non-positive curvature are skipped; a failed line search restarts from steepest descent
 * once before giving up.
 */
export function bfgs(objective: Objective, x0: Float64Array, options: BfgsOptions = {}): MinimizeResult {
  const n = x0.length;
  const maxIter = options.maxIterations ?? 500;
  const gTol = options.gradientTolerance ?? 1e-9;
  let evaluations = 0;
  const count = (): void => {
    evaluations++;
  };
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  count();
  let f = clean(objective(x, g));
  if (!Number.isFinite(f)) {
    return { x, f, iterations: 0, evaluations, converged: false, gradientNorm: Number.NaN };
  }
  const warm = options.initialInverseHessian;
  let H = warm ? warm.map((row) => Float64Array.from(row)) : identity(n);
  let fresh = warm === undefined;
  let iterations = 0;
  let isConverged = maxAbs(g) <= gTol;
  let stalls = 0;
  while (!isConverged && iterations < maxIter) {
    iterations++;
    const d = matVec(H, g, -1);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      H = identity(n);
      fresh = true;
      for (let i = 0; i < n; i++) d[i] = -(g[i] as number);
      slope = dot(g, d);
    }
    // The quasi-Newton step promises a decrease of about -slope/2. Once that is below what
    // the objective's rounding lets a line search see, further iterations only burn
    // evaluations (each failed search costs dozens): the point is optimal to double precision.
    if (!fresh && -slope <= 1e-13 * Math.max(1, Math.abs(f))) {
      isConverged = true;
      break;
    }
    const start = fresh ? Math.min(1, 1 / Math.max(maxAbs(g), 1e-12)) : 1;
    const p = wolfeLineSearch(objective, x, f, slope, d, start, count);
    if (p === null) {
      // No step improves f measurably. If even the full quasi-Newton step promised less than
      // rounding noise, this is the optimum as far as doubles can tell.
      if (-slope <= 1e-11 * Math.max(1, Math.abs(f))) {
        isConverged = true;
        break;
      }
      if (fresh) break;
      H = identity(n);
      fresh = true;
      continue;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = p.alpha * (d[i] as number);
      y[i] = (p.g[i] as number) - (g[i] as number);
    }
    const improvement = f - p.f;
    x = addScaled(x, d, p.alpha);
    f = p.f;
    g = p.g;
    const ys = dot(y, s);
    if (ys > 1e-300) {
      if (fresh) H = scaledIdentity(n, ys / dot(y, y));
      H = bfgsUpdate(H, s, y, ys);
      fresh = false;
    }
    isConverged = maxAbs(g) <= gTol;
    // Rounding-level progress for several steps: the point is as good as doubles allow.
    stalls = improvement <= 1e-15 * Math.max(1, Math.abs(f)) ? stalls + 1 : 0;
    if (stalls >= 3) {
      isConverged = maxAbs(g) <= Math.sqrt(gTol);
      break;
    }
  }
  return {
    x,
    f,
    iterations,
    evaluations,
    converged: isConverged,
    gradientNorm: maxAbs(g),
    inverseHessian: H,
    gradient: g,
  };
}

function identity(n: number): Float64Array[] {
  return scaledIdentity(n, 1);
}

function scaledIdentity(n: number, v: number): Float64Array[] {
  return Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n);
    row[i] = v;
    return row;
  });
}

function matVec(m: Float64Array[], v: Float64Array, scale: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < m.length; i++) out[i] = scale * dot(m[i] as Float64Array, v);
  return out;
}

function addScaled(x: Float64Array, d: Float64Array, a: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] as number) + a * (d[i] as number);
  return out;
}

/** H' = (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ with ρ = 1 / yᵀs. */
function bfgsUpdate(H: Float64Array[], s: Float64Array, y: Float64Array, ys: number): Float64Array[] {
  const n = s.length;
  const rho = 1 / ys;
  const Hy = matVec(H, y, 1);
  const yHy = dot(y, Hy);
  return Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n);
    const Hi = H[i] as Float64Array;
    for (let j = 0; j < n; j++) {
      const si = s[i] as number;
      const sj = s[j] as number;
      row[j] =
        (Hi[j] as number) -
        rho * ((Hy[i] as number) * sj + si * (Hy[j] as number)) +
        (rho * rho * yHy + rho) * si * sj;
    }
    return row;
  });
}

/** Central-difference gradient for objectives that only return values. */
export function withNumericalGradient(f: (x: Float64Array) => number, relativeStep = 1e-5): Objective {
  return (x, grad) => {
    const fx = f(x);
    if (grad === null || !Number.isFinite(fx)) return fx;
    const xt = Float64Array.from(x);
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] as number;
      const h = relativeStep * Math.max(1, Math.abs(xi));
      xt[i] = xi + h;
      const up = f(xt);
      xt[i] = xi - h;
      const down = f(xt);
      xt[i] = xi;
      grad[i] = (up - down) / (2 * h);
    }
    return fx;
  };
}

/**
 * Hessian by forward differences of an analytic gradient, symmetrised. One gradient per
 * parameter (the objective is the expensive part on large data); with a relative step of 1e-5
 * the truncation error, about 1e-5 relative, is far below what standard errors need.
 */
export function hessianFromGradient(
  objective: Objective,
  x: Float64Array,
  gradientAtX?: Float64Array,
  step = 1e-5,
): number[][] {
  const n = x.length;
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const g0 = gradientAtX ?? new Float64Array(n);
  if (gradientAtX === undefined) objective(x, g0);
  const gUp = new Float64Array(n);
  const xt = Float64Array.from(x);
  for (let j = 0; j < n; j++) {
    const xj = x[j] as number;
    const h = step * Math.max(1, Math.abs(xj));
    xt[j] = xj + h;
    objective(xt, gUp);
    xt[j] = xj;
    for (let i = 0; i < n; i++) (H[i] as number[])[j] = ((gUp[i] as number) - (g0[i] as number)) / h;
  }
  return symmetrise(H);
}

/** Hessian by central differences of values (for objectives without an analytic gradient). */
export function hessianFromValues(f: (x: Float64Array) => number, x: Float64Array, step = 1e-4): number[][] {
  const n = x.length;
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const f0 = f(x);
  const xt = Float64Array.from(x);
  const at = (i: number, di: number, j: number, dj: number): number => {
    xt.set(x);
    xt[i] = (xt[i] as number) + di;
    xt[j] = (xt[j] as number) + dj;
    return f(xt);
  };
  const hs = Array.from(x, (v) => step * Math.max(1, Math.abs(v)));
  for (let i = 0; i < n; i++) {
    const hi = hs[i] as number;
    (H[i] as number[])[i] = (at(i, hi, i, 0) - 2 * f0 + at(i, -hi, i, 0)) / (hi * hi);
    for (let j = 0; j < i; j++) {
      const hj = hs[j] as number;
      const v =
        (at(i, hi, j, hj) - at(i, hi, j, -hj) - at(i, -hi, j, hj) + at(i, -hi, j, -hj)) / (4 * hi * hj);
      (H[i] as number[])[j] = v;
      (H[j] as number[])[i] = v;
    }
  }
  return H;
}

function symmetrise(H: number[][]): number[][] {
  const n = H.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * ((H[i] as number[])[j] as number) + 0.5 * ((H[j] as number[])[i] as number);
      (H[i] as number[])[j] = v;
      (H[j] as number[])[i] = v;
    }
  }
  return H;
}

/**
 * Inverse of a symmetric positive-definite matrix by Cholesky; null when the matrix is not
 * positive definite (a flat or saddle direction: the standard errors are then undefined).
 */
export function invertPositiveDefinite(m: number[][]): number[][] | null {
  const n = m.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (m[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) s -= ((L[i] as number[])[k] as number) * ((L[j] as number[])[k] as number);
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return null;
        (L[i] as number[])[i] = Math.sqrt(s);
      } else (L[i] as number[])[j] = s / ((L[j] as number[])[j] as number);
    }
  }
  // inv(m) = inv(L)ᵀ inv(L); invert the triangle column by column.
  const Li = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    (Li[j] as number[])[j] = 1 / ((L[j] as number[])[j] as number);
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= ((L[i] as number[])[k] as number) * ((Li[k] as number[])[j] as number);
      (Li[i] as number[])[j] = s / ((L[i] as number[])[i] as number);
    }
  }
  const inv = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < n; k++)
        s += ((Li[k] as number[])[i] as number) * ((Li[k] as number[])[j] as number);
      (inv[i] as number[])[j] = s;
    }
  }
  return inv;
}

export interface MinimizeOptions {
  nelderMead?: NelderMeadOptions;
  bfgs?: BfgsOptions;
  /**
   * A cheaper stand-in for the objective used by the Nelder-Mead phase only (for example the
   * likelihood of a subsample); BFGS always runs on the full objective.
   */
  coarseObjective?: Objective;
}

/**
 * Nelder-Mead into the basin, then BFGS to the optimum. With a coarse objective (a subsample),
 * Nelder-Mead and a first BFGS run work on it, and the full BFGS starts from that optimum with
 * that inverse Hessian: on a million customers the expensive evaluations drop from hundreds to
 * a handful, and the answer is still the optimum of the full objective.
 */
export function minimize(
  objective: Objective,
  x0: Float64Array,
  options: MinimizeOptions = {},
): MinimizeResult {
  const coarse = options.coarseObjective;
  const first = coarse ?? objective;
  const nm = nelderMead((x) => first(x, null), x0, {
    // Only the basin is needed from Nelder-Mead: BFGS converges far faster from there.
    maxEvaluations: 100,
    fTolerance: 1e-5,
    xTolerance: 1e-2,
    ...options.nelderMead,
  });
  let start = Number.isFinite(nm.f) ? nm.x : x0;
  let spent = { evaluations: nm.evaluations, iterations: nm.iterations };
  let warm: Float64Array[] | undefined;
  if (coarse !== undefined) {
    const pre = bfgs(coarse, start, { ...options.bfgs, gradientTolerance: 1e-7 });
    if (Number.isFinite(pre.f)) {
      start = pre.x;
      warm = pre.inverseHessian;
    }
    spent = {
      evaluations: spent.evaluations + pre.evaluations,
      iterations: spent.iterations + pre.iterations,
    };
  }
  const qn = bfgs(objective, start, { ...options.bfgs, ...(warm ? { initialInverseHessian: warm } : {}) });
  return {
    ...qn,
    evaluations: qn.evaluations + spent.evaluations,
    iterations: qn.iterations + spent.iterations,
  };
}
