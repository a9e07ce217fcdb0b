import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorDetail, httpStatusOf, NurtureError } from '../errors.js';

/** The one error body of the API: `{"error": {"code", "message", "details": [{path|line|column, reason}]}}`. */
export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

export function errorBody(error: NurtureError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: [...error.details] } };
}

/**
 * Any thrown error as the API answers it: a NurtureError with the status its code maps to
 * (src/errors.ts, the one table), Fastify's own (a body that is not JSON, too large) as invalid
 * input, and anything else as a 500 whose message says nothing of the inside.
 */
export function toNurtureError(thrown: unknown): NurtureError {
  if (thrown instanceof NurtureError) return thrown;
  const fe = thrown as Partial<FastifyError>;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.statusCode === 413) return new NurtureError('invalid_input', 'the request body is too large');
    if (fe.statusCode === 415)
      return new NurtureError('invalid_input', fe.message ?? 'unsupported media type');
    if (fe.statusCode === 404) return new NurtureError('not_found', 'no such route');
    return new NurtureError('invalid_input', fe.message ?? 'bad request');
  }
  return new NurtureError('internal', 'internal error');
}

/** Fastify's error handler: logs unexpected errors with their stack, answers the error body. */
export function handleError(thrown: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const error = toNurtureError(thrown);
  const status = statusOf(thrown, error);
  if (error.code === 'internal') request.log.error({ err: thrown }, 'unexpected error');
  else request.log.info({ code: error.code, status }, error.message.split('\n')[0]);
  return reply.status(status).send(errorBody(error));
}

function statusOf(thrown: unknown, error: NurtureError): number {
  const fe = thrown as Partial<FastifyError>;
  if (!(thrown instanceof NurtureError) && (fe.statusCode === 413 || fe.statusCode === 415))
    return fe.statusCode;
  return httpStatusOf(error);
}
