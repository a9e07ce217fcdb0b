import { z } from 'zod';
import type { RouteSpec } from './route.js';

type Json = Record<string, unknown>;

const ERROR_SCHEMA: Json = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              path: { type: 'string' },
              line: { type: 'integer' },
              column: { type: ['string', 'integer'] },
              reason: { type: 'string' },
            },
            required: ['reason'],
          },
        },
      },
    },
  },
};

/** A zod schema as JSON Schema for the document (what a client sends, so defaults are optional). */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

/** `/api/v1/customers/:id` → `/api/v1/customers/{id}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, '{$1}');
}

function parametersOf(spec: RouteSpec): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const js = jsonSchemaOf(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(js.properties ?? {}))
      out.push({
        name,
        in: where,
        required: where === 'path' || (js.required ?? []).includes(name),
        ...(typeof prop['description'] === 'string' ? { description: prop['description'] } : {}),
        schema: prop,
      });
  }
  return out;
}

/**
 * The OpenAPI 3.1 document of every route, generated from the same zod schemas that validate
 * the requests, so the document cannot drift from the code.
 */
export function openApiDocument(routes: readonly RouteSpec[], info: { version: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const spec of routes) {
    if (spec.hidden) continue;
    const path = openApiPath(spec.url);
    const status = String(spec.status ?? 200);
    const operation: Json = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: `${spec.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: parametersOf(spec),
      ...(spec.auth === 'none'
        ? { security: [] }
        : { security: [{ [spec.auth === 'secret' ? 'secretKey' : 'publishableKey']: [] }] }),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchemaOf(spec.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [status]: {
          description: 'success',
          ...(spec.response
            ? { content: { 'application/json': { schema: jsonSchemaOf(spec.response, 'output') } } }
            : {}),
        },
        default: {
          description:
            'an error: its status follows the code (invalid_input 400, unauthorized 401, forbidden 403, not_found 404, conflict 409, rate_limited 429 …)',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
    paths[path] = { ...(paths[path] ?? {}), [spec.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Nurture API',
      version: info.version,
      description:
        'Every resource belongs to the shop of the API key. Secret keys (sk_…) read and write; publishable keys (pk_…) only send storefront events.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        secretKey: { type: 'http', scheme: 'bearer', description: 'a secret key, sk_…' },
        publishableKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'a publishable key, pk_… (also accepted as writeKey in the body)',
        },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths,
  };
}
