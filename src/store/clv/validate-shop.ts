/**
 * `nurture predict --validate`: the purchase model refitted on the orders up to the day before
 * `--holdout-from`, its expectations and predictive intervals for the holdout (to `--as-of`)
 * against what the customers did (src/domain/clv/validation.ts).
 */
import type { ValidOrderRule } from '../../domain/analytics/valid-orders.js';
import {
  fitClvModels,
  type TimeUnit,
  type TransactionFit,
  type TransactionModelName,
  type ValidationReport,
  validationReport,
} from '../../domain/clv/index.js';
import type { SqlEngine } from '../engine.js';
import { lastOrderDay } from './last-order.js';
import { calibrationHoldoutFromStore, summaryPurchaseLog } from './store-summary.js';

export interface ShopValidationRequest {
  until: number;
  calibrationEnd: number;
  timeZone: string;
  unit: TimeUnit;
  validOrders?: ValidOrderRule;
  /** The model and prior of the run being validated. */
  model: TransactionModelName;
  prior: boolean;
  penalizer: number;
}

/** The calibration/holdout report of the shop's orders. */
export async function validateShop(
  engine: SqlEngine,
  shopId: string,
  o: ShopValidationRequest,
): Promise<ValidationReport> {
  const common = {
    timeZone: o.timeZone,
    unit: o.unit,
    period: 'day' as const,
    ...(o.validOrders ? { validOrders: o.validOrders } : {}),
  };
  const split = await calibrationHoldoutFromStore(engine, shopId, {
    ...common,
    calibrationEnd: o.calibrationEnd,
    observationEnd: o.until,
  });
  const log = await summaryPurchaseLog(engine, shopId, { ...common, until: o.until });
  const fit = fitClvModels(split.calibration, {
    model: o.model,
    withSpend: false,
    penalizer: o.penalizer,
    prior: o.prior ? 'on' : 'off',
  });
  return validationReport(log, split, fit.transaction as TransactionFit, {
    calibrationEnd: o.calibrationEnd,
    observationEnd: o.until,
    unit: o.unit,
    period: 'day',
    ...(await lastOrderDay(engine, shopId, o.until, o.timeZone)),
  });
}
