/**
 * Segments: the customer query language (parse → check → resolve → evaluate in
 * memory) and the built-in segments. Pure: no I/O, no SQL; the store compiles a resolved query to SQL
 * (src/store/segments/compile-sql.ts).
 */
export type {
  CompareOp,
  Condition,
  Expr,
  FieldName,
  Position,
  Resolved,
  ResolvedQuery,
  SegmentQuery,
  Symbolic,
} from './ast.js';
export { BUILTIN_SEGMENTS, type BuiltinSegment, isBuiltinName } from './builtins.js';
export { checkExpr, parseSegmentQuery } from './check.js';
export { describeQueryError, QueryError } from './errors.js';
export { fieldValue, matches } from './evaluate.js';
export { FIELDS, type Field, findField } from './fields.js';
export { FUNCTIONS } from './functions.js';
export { isTimeDependent, mergeNeeds, needsOf } from './inspect.js';
export { parseExpr } from './parser.js';
export { describeDateRef, printQuery, printTree } from './print.js';
export {
  ALL_NEEDS,
  NO_NEEDS,
  type RecordNeeds,
  type SegmentCustomer,
  type SegmentPredictions,
  type SegmentStats,
} from './record.js';
export { resolveQuery } from './resolve.js';
