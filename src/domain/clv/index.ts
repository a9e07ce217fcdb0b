/**
 * Predictive CLV: RFM summaries, BG/NBD, MBG/NBD, Pareto/NBD, BG/BB, NBD and Gamma-Gamma fitted by maximum
 * likelihood, per-customer predictions with intervals, small-shop policy and validation.
 * Pure domain code: time comes in as `until` (days since 1970-01-01), nothing is read or written.
 */

export {
  BGBB_PARAM_NAMES,
  type BgBbFit,
  type BgBbInput,
  type BgBbParams,
  bgbbConditionalExpected,
  bgbbExpectedNew,
  bgbbLogLikelihood,
  bgbbPAlive,
  fitBgBb,
  validateBgBb,
} from './bgbb.js';
export {
  BGNBD_PARAM_NAMES,
  type BgNbdFit,
  type BgNbdParams,
  bgnbdConditionalExpected,
  bgnbdConditionalProbabilityOfPurchases,
  bgnbdExpectedAlive,
  bgnbdExpectedNew,
  bgnbdLikelihoodCore,
  bgnbdLogLikelihood,
  bgnbdPAlive,
  bgnbdProbabilityOfPurchases,
  fitBgNbd,
} from './bgnbd.js';
export type {
  FitOptions,
  LogNormalPrior,
  ModelFit,
  ModelName,
  RegularizationOptions,
  RfmInput,
} from './fit.js';
export {
  fitGammaGamma,
  type GammaGammaFit,
  type GammaGammaParams,
  GG_PARAM_NAMES,
  gammaGammaConditionalExpectedValue,
  gammaGammaLogLikelihood,
  gammaGammaMeanDefined,
  type SpendInput,
  spendFrequencyCorrelation,
} from './gamma-gamma.js';
export {
  type Kernel,
  kernelOf,
  logParamsOf,
  type TransactionModelName,
} from './kernels.js';
export {
  fitMbgNbd,
  MBGNBD_PARAM_NAMES,
  type MbgNbdFit,
  type MbgNbdParams,
  mbgnbdConditionalExpected,
  mbgnbdConditionalProbabilityOfPurchases,
  mbgnbdExpectedAlive,
  mbgnbdExpectedNew,
  mbgnbdLikelihoodCore,
  mbgnbdLogLikelihood,
  mbgnbdPAlive,
  mbgnbdProbabilityOfPurchases,
} from './mbgnbd.js';
export {
  type ClvFitOptions,
  type ClvModels,
  type ClvStatistics,
  CORRELATION_WARNING,
  fitClvModels,
  fitTransactionModel,
  type PriorMode,
} from './models.js';
export {
  fitNbd,
  NBD_PARAM_NAMES,
  type NbdFit,
  type NbdParams,
  nbdConditionalExpected,
  nbdConditionalProbabilityOfPurchases,
  nbdExpectedNew,
  nbdLikelihoodCore,
  nbdLogLikelihood,
  nbdProbabilityOfPurchases,
} from './nbd.js';
export {
  fitParetoNbd,
  type ParetoNbdFit,
  type ParetoNbdParams,
  PNBD_PARAM_NAMES,
  paretoNbdConditionalExpected,
  paretoNbdConditionalProbabilityOfPurchases,
  paretoNbdExpectedAlive,
  paretoNbdExpectedNew,
  paretoNbdLogLikelihood,
  paretoNbdPAlive,
  paretoNbdProbabilityOfPurchases,
} from './pareto-nbd.js';
export {
  type CustomerPrediction,
  type CustomerPredictionOptions,
  type CustomerScores,
  type CustomerStatistics,
  type HorizonPrediction,
  type IntervalColumns,
  NEXT_ORDER_NOTES,
  NEXT_ORDER_WITHIN_DAYS,
  type NextOrderNote,
  periodsPerMonth,
  predictCustomer,
  type ScoreInput,
  type ScoreOptions,
  scoreCustomers,
  type TransactionFit,
} from './predict.js';
export {
  type CountInput,
  type CountIntervals,
  nearestInterval,
  type PredictiveOptions,
  predictiveCounts,
  sigmaPoints,
} from './predictive.js';
export {
  CANDIDATE_MODELS,
  type CandidateScore,
  compareOnHoldout,
  type HoldoutComparison,
  type HoldoutScore,
  holdoutPlan,
  holdoutScore,
  MAX_HOLDOUT_DAYS,
  MIN_HOLDOUT_DAYS,
  priorHurts,
  SELECTION_SAMPLE,
} from './selection.js';
export { type ShopSimulationOptions, type SimulatedShop, simulatedSplit, simulateShop } from './simulate.js';
export {
  MINIMUM_CUSTOMERS,
  MINIMUM_REPEAT_CUSTOMERS,
  MINIMUM_SPEND_CUSTOMERS,
  SHRINKAGE_BELOW_CUSTOMERS,
} from './small-shop.js';
export {
  type CalibrationHoldout,
  type CalibrationHoldoutOptions,
  calibrationHoldoutSplit,
  epochDay,
  formatEpochDay,
  type HoldoutData,
  type Period,
  type RfmSummary,
  type SummaryOptions,
  summarizeTransactions,
  type TimeUnit,
  type TransactionLog,
  UNIT_DAYS,
} from './summary.js';
export {
  type AnyModelFit,
  fitSummaryModel,
  type SummaryFitOptions,
  type SummaryModels,
  type SummaryStatistics,
} from './summary-models.js';
export {
  type FrequencyGroup,
  type TrackingWeek,
  type ValidationOptions,
  type ValidationReport,
  validationReport,
} from './validation.js';
