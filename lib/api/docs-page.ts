/**
 * A self-contained HTML page of the OpenAPI document (no CDN: it must work offline): every
 * operation with its request schema and answers, then the record schema of each topic.
 */

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const pretty = (value: unknown): string => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

interface Operation {
  operationId: string;
  summary: string;
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string }>;
}

interface Document {
  info: { title: string; description: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

function operationHtml(method: string, path: string, op: Operation): string {
  const body = op.requestBody?.content['application/json']?.schema;
  const answers = Object.entries(op.responses)
    .map(([status, r]) => `<li><code>${escapeHtml(status)}</code> ${escapeHtml(r.description)}</li>`)
    .join('');
  return `<section id="${escapeHtml(op.operationId)}">
  <h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code>${op.security ? ' <span class="lock">admin: x-api-key</span>' : ''}</h3>
  <p>${escapeHtml(op.summary)}</p>
  ${body ? `<details><summary>Request body schema</summary>${pretty(body)}</details>` : ''}
  <ul>${answers}</ul>
</section>`;
}

export function docsPage(document: Document): string {
  const operations = Object.entries(document.paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => operationHtml(method, path, op)),
    )
    .join('\n');
  const schemas = Object.entries(document.components.schemas)
    .map(([name, schema]) => `<details><summary>${escapeHtml(name)}</summary>${pretty(schema)}</details>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ddd;padding:.5rem 0}
.method{display:inline-block;min-width:3.5rem;padding:0 .4rem;border-radius:4px;color:#fff;font-size:.8rem;text-align:center}
.get{background:#2b7bb9}.post{background:#2e8b57}.lock{font-size:.8rem;color:#a15c00}
pre{background:#f6f8fa;padding:.75rem;overflow:auto;font-size:.8rem}
</style></head><body>
<h1>${escapeHtml(document.info.title)} <small>v${escapeHtml(document.info.version)}</small></h1>
<p>${escapeHtml(document.info.description)}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1).</p>
<h2>Endpoints</h2>
${operations}
<h2>Schemas</h2>
${schemas}
</body></html>`;
}
