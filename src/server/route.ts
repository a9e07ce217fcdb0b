import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AppContext } from '../app/context.js';
import type { ApiKeyRecord } from '../store/api-keys/index.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/**
 * Who may call a route: a shop's secret key (the JSON API), its publishable key (storefront
 * events only), or anyone (health, the documentation, store webhooks, which carry a signature).
 */
export type RouteAuth = 'secret' | 'publishable' | 'none';

/** What a handler gets: the context, the shop of the key, and its validated inputs. */
export interface RouteCall<P, Q, B> {
  ctx: AppContext;
  /** The shop the API key belongs to (every resource is looked up in it): '' for unauthenticated routes. */
  shopId: string;
  key: ApiKeyRecord | undefined;
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One route: its place, who may call it, one zod schema per input (the runtime validation, the TS
 * types and the OpenAPI document all come from them) and the handler, which calls one app/
 * function and returns what becomes the JSON answer.
 */
export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /** Fastify's form: `/api/v1/customers/:id`. */
  url: string;
  auth: RouteAuth;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The success status (default 200). */
  status?: number;
  /** The answer's schema, for the documentation. */
  response?: z.ZodType;
  /** The largest body accepted, in bytes (default: the server's JSON limit, 1 MiB). */
  bodyLimit?: number;
  /** The body arrives as raw bytes (a Buffer), for signatures over it (store webhooks). */
  rawBody?: boolean;
  /** Left out of the OpenAPI document (the documentation pages themselves). */
  hidden?: boolean;
  handler(call: RouteCall<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
}

/** Declares a route with its inputs' types inferred from the schemas. */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}
