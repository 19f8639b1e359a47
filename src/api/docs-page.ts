/**
 * GET /docs: the OpenAPI document as one self-contained HTML page (no scripts, nothing fetched
 * from elsewhere, so it works on an air-gapped consortium network): every route by tag, then
 * every module's methods (default roles, argument names) and queries.
 */

type Json = { readonly [key: string]: unknown };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** `$ref: '#/components/schemas/x'` → the schema `x`. */
function deref(doc: Json, v: unknown): Json {
  const r = isObject(v) ? str(v.$ref) : '';
  if (!r.startsWith('#/components/schemas/')) return isObject(v) ? v : {};
  const schemas = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  const s = schemas[r.slice('#/components/schemas/'.length)];
  return isObject(s) ? s : {};
}

const propNames = (schema: Json): string[] =>
  isObject(schema.properties) ? Object.keys(schema.properties) : [];

function routesSection(doc: Json): string {
  const byTag = new Map<string, string[]>();
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const tag = Array.isArray(op.tags) && typeof op.tags[0] === 'string' ? op.tags[0] : 'other';
      const row = `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${esc(path)}</code></td><td>${esc(str(op.summary))}</td></tr>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), row]);
    }
  }
  const tagInfo = new Map(
    (Array.isArray(doc.tags) ? doc.tags : []).filter(isObject).map((t) => [str(t.name), str(t.description)]),
  );
  return [...byTag]
    .map(
      ([tag, rows]) =>
        `<h3>${esc(tag)}</h3><p>${esc(tagInfo.get(tag) ?? '')}</p><table>${rows.join('')}</table>`,
    )
    .join('\n');
}

function modulesSection(doc: Json): string {
  const modules = Array.isArray(doc['x-gongzhi-modules']) ? doc['x-gongzhi-modules'].filter(isObject) : [];
  return modules
    .map((m) => {
      const methods = (Array.isArray(m.methods) ? m.methods : []).filter(isObject).map((x) => {
        const roles = Array.isArray(x.roles) ? x.roles.map(str).join(', ') : '';
        const args = propNames(deref(doc, x.args)).join(', ');
        return `<tr><td><code>${esc(str(x.name))}</code></td><td>${esc(str(x.summary))}</td><td>${esc(args)}</td><td>${esc(roles)}</td></tr>`;
      });
      const queries = (Array.isArray(m.queries) ? m.queries : []).filter(isObject).map((q) => {
        const args = propNames(deref(doc, q.args)).join(', ');
        return `<tr><td><code>${esc(str(q.path))}</code></td><td>${esc(str(q.summary))}</td><td>${esc(args)}</td></tr>`;
      });
      return [
        `<h3>${esc(str(m.name))}</h3><p>${esc(str(m.summary))}</p>`,
        `<h4>Methods (signed transactions)</h4><table><tr><th>method</th><th>summary</th><th>arguments</th><th>default roles</th></tr>${methods.join('')}</table>`,
        `<h4>Queries</h4><table><tr><th>path</th><th>summary</th><th>parameters</th></tr>${queries.join('')}</table>`,
      ].join('\n');
    })
    .join('\n');
}

/** The HTML page of an OpenAPI document built by ./openapi.ts. */
export function docsPage(doc: Json): string {
  const info = isObject(doc.info) ? doc.info : {};
  const title = esc(str(info.title));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}</style>
</head><body>
<h1>${title}</h1><p>${esc(str(info.description))}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${esc(str(doc.openapi))}).</p>
<h2>Routes</h2>
${routesSection(doc)}
<h2>Modules</h2>
${modulesSection(doc)}
</body></html>
`;
}
