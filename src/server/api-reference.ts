/**
 * The API reference, rendered from the OpenAPI document: as an HTML page (/api/docs, no scripts,
 * no CDN) and as Markdown (docs/api.md, kept in step by a test).
 */
type Json = Record<string, unknown>;

interface Operation {
  method: string;
  path: string;
  summary: string;
  tag: string;
  auth: string;
  parameters: { name: string; in: string; required: boolean; description?: string; schema: Json }[];
  body: Json | undefined;
  status: string;
}

function operationsOf(doc: Json): Operation[] {
  const ops: Operation[] = [];
  const paths = (doc['paths'] ?? {}) as Record<string, Record<string, Json>>;
  for (const [path, methods] of Object.entries(paths))
    for (const [method, op] of Object.entries(methods)) {
      const security = (op['security'] as Json[] | undefined) ?? [];
      const scheme = Object.keys(security[0] ?? {})[0];
      const content = ((op['requestBody'] as Json | undefined)?.['content'] as Json | undefined)?.[
        'application/json'
      ] as Json | undefined;
      ops.push({
        method: method.toUpperCase(),
        path,
        summary: String(op['summary'] ?? ''),
        tag: String((op['tags'] as string[] | undefined)?.[0] ?? ''),
        auth:
          scheme === 'secretKey' ? 'secret key' : scheme === 'publishableKey' ? 'publishable key' : 'none',
        parameters: (op['parameters'] as Operation['parameters'] | undefined) ?? [],
        body: content?.['schema'] as Json | undefined,
        status:
          Object.keys((op['responses'] as Json | undefined) ?? {}).find((s) => s !== 'default') ?? '200',
      });
    }
  return ops;
}

function typeOf(schema: Json): string {
  if (Array.isArray(schema['enum']))
    return (schema['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  const t = schema['type'];
  if (Array.isArray(t)) return t.join(' | ');
  if (typeof t === 'string') return t;
  if (Array.isArray(schema['anyOf'])) return (schema['anyOf'] as Json[]).map(typeOf).join(' | ');
  return 'any';
}

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const AUTH_TEXT =
  'Send a key as <code>Authorization: Bearer sk_…</code>. A secret key (<code>sk_…</code>) reads and writes the data of its shop, and only of it: a resource of another shop answers 404. A publishable key (<code>pk_…</code>) may only send storefront events. Create keys with <code>nurture apikey create --kind secret|publishable</code>; a key is shown once.';

/** The reference as one HTML page. */
export function renderApiHtml(doc: Json): string {
  const info = (doc['info'] ?? {}) as Json;
  const byTag = new Map<string, Operation[]>();
  for (const op of operationsOf(doc)) byTag.set(op.tag, [...(byTag.get(op.tag) ?? []), op]);
  const sections = [...byTag]
    .map(
      ([tag, ops]) =>
        `<section><h2>${escapeHtml(tag)}</h2>${ops
          .map(
            (op) => `<article id="${escapeHtml(`${op.method}-${op.path}`)}">
<h3><span class="m m-${op.method.toLowerCase()}">${op.method}</span> <code>${escapeHtml(op.path)}</code></h3>
<p>${escapeHtml(op.summary)} <span class="auth">auth: ${op.auth} · answers ${op.status}</span></p>
${
  op.parameters.length > 0
    ? `<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th><th>about</th></tr>${op.parameters
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${escapeHtml(typeOf(p.schema))}</td><td>${p.required ? 'yes' : ''}</td><td>${escapeHtml(p.description ?? '')}</td></tr>`,
        )
        .join('')}</table>`
    : ''
}
${op.body ? `<details><summary>request body (JSON Schema)</summary><pre>${escapeHtml(JSON.stringify(op.body, null, 2))}</pre></details>` : ''}
</article>`,
          )
          .join('\n')}</section>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(String(info['title'] ?? 'API'))} reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1f2933}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f7fa;padding:.5rem;overflow:auto}
.m{display:inline-block;min-width:4.2rem;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:0 .3rem}
.m-get{background:#2f80ed}.m-post{background:#27ae60}.m-put,.m-patch{background:#f2994a}.m-delete{background:#eb5757}
.auth{color:#616e7c;font-size:13px}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e4e7eb;text-align:left;padding:.2rem .4rem;vertical-align:top}
article{border-top:1px solid #e4e7eb;padding:.5rem 0}</style></head><body>
<h1>${escapeHtml(String(info['title'] ?? 'API'))} <small>${escapeHtml(String(info['version'] ?? ''))}</small></h1>
<p>${AUTH_TEXT}</p><p>Errors: <code>{"error": {"code", "message", "details": [{path|line|column, reason}]}}</code>. The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a>.</p>
${sections}</body></html>`;
}

/** The reference as Markdown (docs/api.md). */
export function renderApiMarkdown(doc: Json): string {
  const lines: string[] = [
    '# Nurture HTTP API',
    '',
    '<!-- Generated from the route schemas (src/server/routes): `npm run docs:api`. A test fails when it is stale. -->',
    '',
    '## Authentication and tenancy',
    '',
    AUTH_TEXT.replace(/<\/?code>/g, '`'),
    '',
    'Errors answer `{"error": {"code", "message", "details": [{path|line|column, reason}]}}` with the status of their code:',
    'invalid_input and invalid_file 400, unauthorized 401, forbidden 403, not_found 404, conflict 409,',
    'not_enough_data 422, rate_limited 429, internal 500, store_unavailable 503.',
    '',
    'The live documents: `GET /api/openapi.json` (OpenAPI 3.1) and `GET /api/docs` (this reference as a page).',
    '',
  ];
  let tag = '';
  for (const op of operationsOf(doc)) {
    if (op.tag !== tag) {
      tag = op.tag;
      lines.push(`## ${tag}`, '');
    }
    lines.push(
      `### \`${op.method} ${op.path}\``,
      '',
      `${op.summary} Auth: ${op.auth}. Answers ${op.status}.`,
      '',
    );
    if (op.parameters.length > 0) {
      lines.push('| parameter | in | type | required | about |', '| --- | --- | --- | --- | --- |');
      for (const p of op.parameters)
        lines.push(
          `| \`${p.name}\` | ${p.in} | ${typeOf(p.schema).replace(/\|/g, '\\|')} | ${p.required ? 'yes' : ''} | ${(p.description ?? '').replace(/\|/g, '\\|')} |`,
        );
      lines.push('');
    }
    if (op.body) lines.push('Body:', '', '```json', JSON.stringify(op.body, null, 2), '```', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
