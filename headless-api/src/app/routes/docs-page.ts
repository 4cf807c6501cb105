/**
 * The `/docs` page: one self-contained HTML file (no CDN, no external
 * assets) that fetches `/openapi.json` and renders every operation with its
 * parameters, bodies, responses and required permission. Text from the
 * document is inserted with `textContent`, never as HTML.
 */
export const DOCS_HTML = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pitboss API reference</title>
<style>
  :root { color-scheme: light dark; --fg: #1b1f24; --muted: #59636e; --line: #d1d9e0; --bg2: #f6f8fa;
    --get: #1f6feb; --post: #1a7f37; --put: #9a6700; --delete: #cf222e; font: 15px/1.5 system-ui, sans-serif; }
  @media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --bg2: #151b23; } }
  body { margin: 0 auto; max-width: 980px; padding: 24px; color: var(--fg); }
  h1 { margin: 0 0 4px; } .muted { color: var(--muted); }
  nav a { margin-right: 12px; }
  details.op { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; }
  details.op > summary { cursor: pointer; padding: 8px 12px; list-style: none; display: flex; gap: 12px; align-items: baseline; }
  details.op[open] > summary { border-bottom: 1px solid var(--line); background: var(--bg2); }
  .method { font: 600 12px ui-monospace, monospace; text-transform: uppercase; color: #fff; border-radius: 4px; padding: 2px 8px; min-width: 56px; text-align: center; }
  .get { background: var(--get); } .post { background: var(--post); } .put { background: var(--put); } .delete { background: var(--delete); }
  .path { font-family: ui-monospace, monospace; } .perm { margin-left: auto; font: 12px ui-monospace, monospace; color: var(--muted); }
  .body { padding: 4px 16px 12px; } table { border-collapse: collapse; width: 100%; font-size: 14px; }
  td, th { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
  code, pre { font-family: ui-monospace, monospace; font-size: 13px; } pre { background: var(--bg2); padding: 8px; overflow: auto; border-radius: 4px; }
</style>
</head>
<body>
<h1 id="title">Pitboss API</h1>
<p class="muted" id="subtitle">Loading <a href="/openapi.json">/openapi.json</a>…</p>
<nav id="tags"></nav>
<main id="ops"></main>
<script type="module">
const el = (tag, props = {}, ...kids) => { const n = document.createElement(tag); Object.assign(n, props); n.append(...kids.filter((k) => k != null)); return n; };
const doc = await (await fetch('/openapi.json')).json();
const deref = (s) => { let seen = 0; while (s && s.$ref && seen++ < 16) s = s.$ref.split('/').slice(1).reduce((o, k) => o?.[k], doc); return s ?? {}; };
const typeOf = (s) => {
  s = deref(s);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.anyOf || s.oneOf) return (s.anyOf || s.oneOf).map(typeOf).join(' | ');
  if (s.type === 'array') return typeOf(s.items) + '[]';
  return [].concat(s.type ?? 'object').join(' | ') + (s.format ? ' (' + s.format + ')' : '');
};
const schemaTable = (schema, depth = 0) => {
  const s = deref(schema);
  const variants = s.oneOf || s.anyOf;
  if (variants && depth < 2) return el('div', {}, ...variants.map((v) => { const d = deref(v); return el('details', {}, el('summary', { textContent: d.properties?.type?.const ?? typeOf(v) }), schemaTable(v, depth + 1)); }));
  const target = s.type === 'array' ? deref(s.items) : s;
  if (!target.properties) return el('code', { textContent: typeOf(s) });
  const rows = Object.entries(target.properties).map(([name, p]) => el('tr', {},
    el('td', {}, el('code', { textContent: name + ((target.required || []).includes(name) ? '' : '?') })),
    el('td', {}, el('code', { textContent: typeOf(p) })),
    el('td', { textContent: deref(p).description ?? '' })));
  return el('table', {}, el('tr', {}, el('th', { textContent: 'field' }), el('th', { textContent: 'type' }), el('th', { textContent: 'notes' })), ...rows);
};
document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
const sub = document.getElementById('subtitle'); sub.textContent = (doc.info.description ?? '') + ' OpenAPI ' + doc.openapi + ' — ';
sub.append(el('a', { href: '/openapi.json', textContent: 'raw document' }));
const groups = new Map();
for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) {
  const tag = op.tags?.[0] ?? 'other'; if (!groups.has(tag)) groups.set(tag, []); groups.get(tag).push({ path, method, op });
}
const main = document.getElementById('ops'), nav = document.getElementById('tags');
for (const [tag, ops] of groups) {
  nav.append(el('a', { href: '#tag-' + tag, textContent: tag }));
  main.append(el('h2', { id: 'tag-' + tag, textContent: tag }));
  for (const { path, method, op } of ops) {
    const body = el('div', { className: 'body' });
    if (op.description) body.append(el('p', { textContent: op.description }));
    if (op.parameters?.length) body.append(el('h4', { textContent: 'Parameters' }), el('table', {}, ...op.parameters.map((p) => el('tr', {},
      el('td', {}, el('code', { textContent: p.name + (p.required ? '' : '?') })), el('td', { textContent: p.in }),
      el('td', {}, el('code', { textContent: typeOf(p.schema) })), el('td', { textContent: p.description ?? deref(p.schema).description ?? '' })))));
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) body.append(el('h4', { textContent: 'Body: ' + type }), schemaTable(media.schema));
    body.append(el('h4', { textContent: 'Responses' }));
    for (const [status, r] of Object.entries(op.responses ?? {})) {
      const d = el('details', {}, el('summary', { textContent: status + ' — ' + (r.description ?? '') }));
      for (const [type, media] of Object.entries(r.content ?? {})) d.append(el('p', {}, el('code', { textContent: type })), schemaTable(media.schema));
      body.append(d);
    }
    main.append(el('details', { className: 'op' },
      el('summary', {}, el('span', { className: 'method ' + method, textContent: method }), el('span', { className: 'path', textContent: path }),
        el('span', { textContent: op.summary ?? '' }), op['x-pitboss-permission'] ? el('span', { className: 'perm', textContent: op['x-pitboss-permission'] }) : null),
      body));
  }
}
</script>
</body>
</html>
`;
