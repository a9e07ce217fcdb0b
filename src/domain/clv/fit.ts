/**
 * What every model fit shares: maximum likelihood on log-parameters (so that every parameter
 * stays positive without constraints), an optional lifetimes-style L2 penalizer, an optional
 * log-normal prior (the empirical-Bayes shrinkage used for small shops), Nelder-Mead followed
 * by BFGS, and standard errors from the Hessian.
 */
import { NurtureError } from '../../errors.js';
import {
  hessianFromGradient,
  hessianFromValues,
  invertPositiveDefinite,
  type MinimizeResult,
  minimize,
  type Objective,
  withNumericalGradient,
} from './optimize.js';
import { compressColumns } from './tuples.js';

/** Independent normal priors on the log-parameters, in the order of the model's names. */
export interface LogNormalPrior {
  /** Prior centre of each log-parameter. */
  mean: readonly number[];
  /** Prior standard deviation of each log-parameter. */
  sd: readonly number[];
}

/** How a fit is regularised. */
export interface RegularizationOptions {
  /**
   * lifetimes' penalizer_coef: penalizer × Σ θ² is added to the mean negative log-likelihood.
   * Because it is added to the mean, its pull does not fade with more customers. Default 0.
   */
  penalizer?: number;
  /**
   * Log-normal prior added to the total negative log-likelihood (maximum a posteriori). Its
   * pull fades as customers accumulate, which is what shrinkage for thin data should do.
   */
  prior?: LogNormalPrior | null;
}

export interface FitOptions<P> extends RegularizationOptions {
  /** Starting point; a data-driven guess by default. */
  initial?: P;
}

/** Model identifiers: BG/NBD, MBG/NBD, Pareto/NBD, BG/BB, NBD, Gamma-Gamma spend. */
export type ModelName = 'bgnbd' | 'mbgnbd' | 'pnbd' | 'bgbb' | 'nbd' | 'gg';

/** A fitted model. Parameter names are those of the published papers. */
export interface ModelFit<P extends object, M extends ModelName = ModelName> {
  model: M;
  params: P;
  /** Standard errors from the inverse Hessian (null when the Hessian is not positive definite). */
  standardErrors: { [K in keyof P]: number | null };
  /** Covariance of the log-parameters (order of `paramNames`), null when undefined. */
  logCovariance: number[][] | null;
  paramNames: readonly (keyof P & string)[];
  /** Total log-likelihood at `params`, without penalty or prior. */
  logLikelihood: number;
  /** Customers the model was fitted on (sum of tuple weights). */
  customers: number;
  /** Distinct sufficient-statistic tuples the likelihood was evaluated on. */
  tuples: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  penalizer: number;
  prior: LogNormalPrior | null;
}

/** The per-model part of a fit: total negative log-likelihood over tuples, on log-parameters. */
export interface LikelihoodCore {
  /** Total negative log-likelihood; fills `grad` (w.r.t. log-parameters) when given. */
  negLogLik: Objective;
  /** Whether negLogLik fills gradients itself (otherwise they are taken numerically). */
  analyticGradient: boolean;
  /** Total weight (customers). */
  weight: number;
  tuples: number;
}

export interface MaximumLikelihoodInput<P extends object, M extends ModelName> {
  model: M;
  names: readonly (keyof P & string)[];
  core: LikelihoodCore;
  /** A likelihood on a subsample, used by the Nelder-Mead phase when the data are large. */
  coarse?: LikelihoodCore;
  start: P;
  regularization: RegularizationOptions;
}

/** Mean penalised objective: (−ℓ + prior)/n + penalizer Σ θ². Its scale does not grow with n. */
function regularizedObjective(core: LikelihoodCore, reg: RegularizationOptions): Objective {
  const n = core.weight;
  const pen = reg.penalizer ?? 0;
  const prior = reg.prior ?? null;
  const inner = core.analyticGradient
    ? core.negLogLik
    : withNumericalGradient((x) => core.negLogLik(x, null));
  return (x, grad) => {
    let f = inner(x, grad) / n;
    if (grad !== null) for (let i = 0; i < x.length; i++) grad[i] = (grad[i] as number) / n;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] as number;
      if (pen > 0) {
        const th2 = Math.exp(2 * xi);
        f += pen * th2;
        if (grad !== null) grad[i] = (grad[i] as number) + 2 * pen * th2;
      }
      if (prior !== null) {
        const sd = prior.sd[i] as number;
        const d = (xi - (prior.mean[i] as number)) / sd;
        f += (0.5 * d * d) / n;
        if (grad !== null) grad[i] = (grad[i] as number) + d / sd / n;
      }
    }
    return f;
  };
}

function regularized(reg: RegularizationOptions): boolean {
  return (reg.penalizer ?? 0) > 0 || (reg.prior ?? null) !== null;
}

/** Runs the optimiser and packages estimates, standard errors and the log-likelihood. */
export function maximizeLikelihood<P extends object, M extends ModelName>(
  input: MaximumLikelihoodInput<P, M>,
): ModelFit<P, M> {
  const { names, core, regularization } = input;
  const objective = regularizedObjective(core, regularization);
  const x0 = Float64Array.from(names, (k) => Math.log(input.start[k] as number));
  const coarse = input.coarse === undefined ? undefined : regularizedObjective(input.coarse, regularization);
  const result: MinimizeResult = minimize(
    objective,
    x0,
    coarse === undefined ? {} : { coarseObjective: coarse },
  );
  if (!Number.isFinite(result.f)) {
    throw new NurtureError(
      'not_enough_data',
      `the ${input.model} likelihood could not be evaluated on these data`,
    );
  }
  const hessian = core.analyticGradient
    ? hessianFromGradient(objective, result.x, result.gradient)
    : hessianFromValues((x) => objective(x, null), result.x);
  // The objective is a mean; the information matrix is n times its curvature.
  const information = hessian.map((row) => row.map((v) => v * core.weight));
  const cov = invertPositiveDefinite(information);
  const params = {} as P;
  const standardErrors = {} as { [K in keyof P]: number | null };
  names.forEach((k, i) => {
    const theta = Math.exp(result.x[i] as number);
    (params as Record<string, number>)[k] = theta;
    const v = cov === null ? Number.NaN : ((cov[i] as number[])[i] as number);
    // Delta method: se(θ) = θ · se(log θ).
    (standardErrors as Record<string, number | null>)[k] = v > 0 ? theta * Math.sqrt(v) : null;
  });
  return {
    model: input.model,
    params,
    standardErrors,
    logCovariance: cov,
    paramNames: names,
    // Without regularisation the optimiser's value is the mean negative log-likelihood itself.
    logLikelihood: regularized(regularization) ? -core.negLogLik(result.x, null) : -result.f * core.weight,
    customers: core.weight,
    tuples: core.tuples,
    converged: result.converged,
    iterations: result.iterations,
    evaluations: result.evaluations,
    penalizer: regularization.penalizer ?? 0,
    prior: regularization.prior ?? null,
  };
}

/** Above this many tuples Nelder-Mead works on a subsample (BFGS still sees everything). */
export const COARSE_TUPLE_LIMIT = 20_000;
/** Customers drawn into that subsample. */
export const COARSE_SAMPLE_SIZE = 5_000;

/**
 * A deterministic probability-proportional-to-weight subsample of about `size` customers
 * (systematic sampling over the cumulative weights), compressed again into tuples. It is only
 * a starting-point finder: the final fit always uses every tuple.
 */
export function subsampleTuples(
  columns: readonly Float64Array[],
  weight: Float64Array,
  size: number,
): { columns: Float64Array[]; weight: Float64Array } {
  let total = 0;
  for (const w of weight) total += w;
  const step = total / size;
  const picked: number[][] = columns.map(() => []);
  let next = 0.5 * step;
  let acc = 0;
  for (let i = 0; i < weight.length; i++) {
    acc += weight[i] as number;
    while (next < acc) {
      for (let j = 0; j < columns.length; j++)
        (picked[j] as number[]).push((columns[j] as Float64Array)[i] as number);
      next += step;
    }
  }
  const c = compressColumns(picked);
  return { columns: c.columns, weight: c.weight };
}

/** Input statistics of the transaction models, one entry per customer (or tuple with weights). */
export interface RfmInput {
  frequency: ArrayLike<number>;
  recency: ArrayLike<number>;
  T: ArrayLike<number>;
  weight?: ArrayLike<number>;
}

/** Rejects statistics that no customer can have, naming the first offending row. */
export function validateRfm(input: RfmInput): void {
  const n = input.frequency.length;
  if (input.recency.length !== n || input.T.length !== n || (input.weight && input.weight.length !== n)) {
    throw new NurtureError('invalid_input', 'frequency, recency, T (and weight) must have the same length');
  }
  for (let i = 0; i < n; i++) {
    const x = input.frequency[i] as number;
    const t = input.recency[i] as number;
    const T = input.T[i] as number;
    const w = input.weight ? (input.weight[i] as number) : 1;
    const bad = !(Number.isInteger(x) && x >= 0)
      ? 'frequency must be a whole number >= 0'
      : !(t >= 0 && Number.isFinite(t))
        ? 'recency must be >= 0'
        : !(T >= t && Number.isFinite(T))
          ? 'T must be >= recency'
          : x === 0 && t !== 0
            ? 'recency must be 0 when frequency is 0'
            : !(w >= 0 && Number.isFinite(w))
              ? 'weight must be >= 0'
              : null;
    if (bad !== null) {
      throw new NurtureError('invalid_input', `row ${i + 1}: ${bad} (frequency ${x}, recency ${t}, T ${T})`, [
        { path: `[${i}]`, reason: bad },
      ]);
    }
  }
}
