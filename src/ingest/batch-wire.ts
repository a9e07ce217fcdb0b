/**
 * How a parsed batch crosses from the parse worker to the importing thread. postMessage clones
 * an object graph value by value (an object per order, per customer, per line, a Date per date:
 * at a million rows that costs as much as parsing), so orders travel as columns instead: each
 * text column as one string plus an Int32Array of end offsets, numbers in typed arrays whose
 * buffers are transferred, not copied. Rejects and the few other records are cloned as they are.
 */

import {
  OPTIONAL_TEXT_KEYS,
  type OptionalTextKey,
  type OptText,
  type OrderColumns,
  REQUIRED_TEXT_KEYS,
  type RequiredTextKey,
} from '../domain/order-columns.js';
import { NurtureError } from '../errors.js';
import type { ImportFormat, ParsedBatch, ReadOptions } from './records.js';

/** What the worker is asked to read. */
export interface ParseRequest {
  format: ImportFormat;
  path: string;
  options: ReadOptions;
}

/** Strings of one column joined; ends[i] is where value i ends, or ~end (negative) when absent. */
export interface PackedText {
  text: string;
  ends: Int32Array;
}

export interface WireOrders {
  length: number;
  required: Record<RequiredTextKey, PackedText>;
  optional: Record<OptionalTextKey, PackedText>;
  createdMs: Float64Array;
  paidMs: Float64Array;
  cancelledMs: Float64Array;
  lineStart: Int32Array;
  lineQuantity: Float64Array;
}

export interface WireBatch extends Omit<ParsedBatch, 'orders' | 'orderColumns'> {
  orders: WireOrders;
}

export interface WireError {
  message: string;
  code?: NurtureError['code'];
  details?: NurtureError['details'];
}

/** Worker → importer. The importer answers each batch with MORE, which lets the worker read on. */
export type WorkerMessage =
  | { type: 'batch'; batch: WireBatch }
  | { type: 'end' }
  | { type: 'error'; error: WireError };

export const MORE = 'more';

export function packText(values: readonly OptText[]): PackedText {
  const ends = new Int32Array(values.length);
  let pos = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined) ends[i] = ~pos;
    else {
      pos += v.length;
      ends[i] = pos;
    }
  }
  // join writes '' for undefined, so offsets and text agree.
  return { text: values.join(''), ends };
}

export function unpackText(p: PackedText): OptText[] {
  const { text, ends } = p;
  const out = new Array<OptText>(ends.length);
  let pos = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i]!;
    if (end < 0) out[i] = undefined;
    else {
      out[i] = text.slice(pos, end);
      pos = end;
    }
  }
  return out;
}

function unpackRequired(p: PackedText, key: string): string[] {
  const values = unpackText(p);
  if (values.includes(undefined)) throw new Error(`order column ${key} arrived with an absent value`);
  return values as string[];
}

export function encodeBatch(
  batch: ParsedBatch,
  orders: OrderColumns,
): { message: WorkerMessage; transfer: ArrayBuffer[] } {
  const required = {} as Record<RequiredTextKey, PackedText>;
  for (const k of REQUIRED_TEXT_KEYS) required[k] = packText(orders[k]);
  const optional = {} as Record<OptionalTextKey, PackedText>;
  for (const k of OPTIONAL_TEXT_KEYS) optional[k] = packText(orders[k]);
  const wire: WireOrders = {
    length: orders.length,
    required,
    optional,
    createdMs: orders.createdMs,
    paidMs: orders.paidMs,
    cancelledMs: orders.cancelledMs,
    lineStart: orders.lineStart,
    lineQuantity: orders.lineQuantity,
  };
  const transfer = [
    ...Object.values(required).map((p) => p.ends.buffer),
    ...Object.values(optional).map((p) => p.ends.buffer),
    ...[wire.createdMs, wire.paidMs, wire.cancelledMs, wire.lineStart, wire.lineQuantity].map(
      (a) => a.buffer,
    ),
  ].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  const { orders: _objects, orderColumns: _columns, ...rest } = batch;
  return { message: { type: 'batch', batch: { ...rest, orders: wire } }, transfer };
}

export function decodeBatch(wire: WireBatch): ParsedBatch {
  const w = wire.orders;
  const required = {} as Record<RequiredTextKey, string[]>;
  for (const k of REQUIRED_TEXT_KEYS) required[k] = unpackRequired(w.required[k], k);
  const optional = {} as Record<OptionalTextKey, OptText[]>;
  for (const k of OPTIONAL_TEXT_KEYS) optional[k] = unpackText(w.optional[k]);
  const orderColumns: OrderColumns = {
    ...required,
    ...optional,
    length: w.length,
    createdMs: w.createdMs,
    paidMs: w.paidMs,
    cancelledMs: w.cancelledMs,
    lineStart: w.lineStart,
    lineQuantity: w.lineQuantity,
  };
  const { orders: _wire, ...rest } = wire;
  return { ...rest, orders: [], orderColumns };
}

export function encodeError(error: unknown): WireError {
  if (error instanceof NurtureError)
    return { message: error.message, code: error.code, details: error.details };
  return { message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

export function decodeError(e: WireError): Error {
  return e.code === undefined
    ? new Error(`import parse worker: ${e.message}`)
    : new NurtureError(e.code, e.message, e.details);
}
