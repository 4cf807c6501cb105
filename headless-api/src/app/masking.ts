import type { Context, MiddlewareHandler, Next, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSONParsed, JSONValue } from 'hono/utils/types';
import { fastJsonResponse } from './fast-json.js';
import { can } from './permissions.js';
import type { AppEnv } from './types.js';

/** What replaces a personal value for a caller without `personal:read`. */
export const MASK = '***';

/**
 * Keys whose value is personal data wherever they appear in a response body.
 * `note`: free text about a player (player notes, `rg.interaction` notes).
 */
export const PERSONAL_KEYS: ReadonlySet<string> = new Set(['first_name', 'last_name', 'email', 'phone', 'ip', 'user_agent', 'note']);

/** Keys whose whole value (every string inside) is personal data: the `personal` block of a player. */
const PERSONAL_CONTAINERS: ReadonlySet<string> = new Set(['personal']);

/**
 * Keys holding text an operator sent us that failed validation (dead
 * letters' raw lines): it may hold personal data under any key, or none
 * that parses, so it is masked whole rather than guessed at.
 */
const OPAQUE_KEYS: ReadonlySet<string> = new Set(['raw']);

function maskAll(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  // What JSON would hold: a Date under a personal key is a string there, so it masks as one.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return maskAll((value as { toJSON(): unknown }).toJSON());
  // What JSON drops or writes as null (or refuses, for bigint) stays as it is, and JSON.stringify decides.
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' || (typeof value === 'number' && !Number.isFinite(value))) return value;
  if (Array.isArray(value)) return value.map(maskAll);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAll(v)]));
  return MASK;
}

/**
 * A deep copy of `value` with every personal value replaced by `MASK`:
 * values under a personal key (`email`, `ip`, …), everything inside a
 * `personal` object, and raw dead-letter lines. Nulls stay null, so a
 * masked response keeps its shape and says whether a value exists.
 *
 * @example
 * maskPersonal({ player_id: 'p1', personal: { email: 'a@b.co' } }); // { player_id: 'p1', personal: { email: '***' } }
 */
export function maskPersonal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskPersonal);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (PERSONAL_CONTAINERS.has(k) || PERSONAL_KEYS.has(k) || OPAQUE_KEYS.has(k)) out[k] = maskAll(v);
    else out[k] = maskPersonal(v);
  }
  return out;
}

/** Every key whose value `maskShared` masks whole: one lookup per key on the hot path. */
const MASKED_KEYS: ReadonlySet<string> = new Set([...PERSONAL_CONTAINERS, ...PERSONAL_KEYS, ...OPAQUE_KEYS]);

/**
 * What `maskPersonal` of the value's JSON would hold, sharing every part
 * that needs no mask: objects and arrays are copied (shallowly) only on the
 * path to a masked value, so a response is masked before it is serialised,
 * without a parse and a deep copy. Follows JSON's view of the value: own
 * enumerable keys, `toJSON` applied. It runs on every JSON response to a
 * caller without `personal:read`, so it skips primitives without a call
 * and walks keys with `for…in` (no key array per object).
 */
function maskShared(value: unknown): unknown {
  return value === null || typeof value !== 'object' ? value : maskObject(value);
}

function maskObject(value: object): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === null || typeof v !== 'object') continue;
      const m = maskObject(v);
      if (m !== v) (out ??= value.slice())[i] = m;
    }
    return out ?? value;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const json = (value as { toJSON(): unknown }).toJSON();
    const masked = maskShared(json);
    return masked === json ? value : masked;
  }
  let out: Record<string, unknown> | undefined;
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    let m: unknown;
    if (MASKED_KEYS.has(k)) m = maskAll(v);
    else if (v === null || typeof v !== 'object') continue;
    else m = maskObject(v);
    // `for…in` also walks inherited enumerable keys, which JSON leaves out.
    if (m !== v && Object.hasOwn(value, k)) (out ??= { ...(value as Record<string, unknown>) })[k] = m;
  }
  return out ?? value;
}

/** One CSV record's fields (RFC 4180 quoting, one line). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

type LineMasker = (line: string) => string;

function ndjsonMasker(): LineMasker {
  return (line) => (line.trim() === '' ? line : JSON.stringify(maskPersonal(JSON.parse(line))));
}

// Server-Sent Events carry one JSON document per `data:` line; a data line that is not JSON is masked whole rather than guessed at.
function sseMasker(): LineMasker {
  return (line) => {
    if (!line.startsWith('data:')) return line;
    const data = line.slice(5).trimStart();
    try {
      return `data: ${JSON.stringify(maskPersonal(JSON.parse(data)))}`;
    } catch (error) {
      if (error instanceof SyntaxError) return `data: ${JSON.stringify(MASK)}`;
      throw error;
    }
  };
}

function csvMasker(): LineMasker {
  let personal: number[] | null = null;
  return (line) => {
    if (personal === null) {
      personal = csvFields(line).flatMap((h, i) => (PERSONAL_KEYS.has(h.trim()) || OPAQUE_KEYS.has(h.trim()) ? [i] : []));
      return line;
    }
    if (personal.length === 0 || line === '') return line;
    const fields = csvFields(line);
    for (const i of personal) if (i < fields.length && fields[i] !== '') fields[i] = MASK;
    return fields.map(csvField).join(',');
  };
}

/** Applies `mask` to each line of a text stream, keeping line endings. */
function maskLines(body: ReadableStream<Uint8Array>, mask: LineMasker): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let rest = '';
  const emit = (text: string, controller: TransformStreamDefaultController<Uint8Array>) => {
    const lines = (rest + text).split('\n');
    rest = lines.pop()!;
    if (lines.length > 0) controller.enqueue(encoder.encode(lines.map((l) => (l.endsWith('\r') ? mask(l.slice(0, -1)) + '\r' : mask(l))).join('\n') + '\n'));
  };
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        emit(decoder.decode(chunk, { stream: true }), controller);
      },
      flush(controller) {
        const last = rest + decoder.decode();
        rest = '';
        if (last !== '') controller.enqueue(encoder.encode(mask(last)));
      },
    }),
  );
}

type BodyKind = 'json' | 'ndjson' | 'csv' | 'sse';

function bodyKind(contentType: string | null): BodyKind | null {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl') return 'ndjson';
  if (type === 'text/csv') return 'csv';
  if (type === 'text/event-stream') return 'sse';
  return null;
}

/**
 * Masks a whole response for a caller who may not see personal data. JSON
 * bodies are buffered (they are bounded pages); NDJSON and CSV exports and
 * Server-Sent Events are masked line by line as they stream. A body of another type cannot carry
 * a personal field by construction (metrics, ONNX files, HTML docs) and
 * passes unchanged.
 *
 * @example
 * const masked = await maskResponse(new Response(JSON.stringify({ email: 'a@b.co' }), { headers: { 'content-type': 'application/json' } }));
 */
export async function maskResponse(response: Response): Promise<Response> {
  const kind = bodyKind(response.headers.get('content-type'));
  if (kind === null || response.body === null) return response;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  // ETags here name a resource version (segments), not a hash of the body, so they stay:
  // an analyst must be able to send If-Match. The masked body differs per role, hence Vary.
  headers.append('vary', 'authorization');
  const init = { status: response.status, statusText: response.statusText, headers };
  if (kind === 'json') {
    const text = await response.text();
    return new Response(text === '' ? text : JSON.stringify(maskPersonal(JSON.parse(text))), init);
  }
  const masker = kind === 'ndjson' ? ndjsonMasker() : kind === 'sse' ? sseMasker() : csvMasker();
  return new Response(maskLines(response.body, masker), init);
}

const SERIALISED = Symbol('pitboss.serialisedForRole');
const ANSWERED = Symbol('pitboss.answeredValue');

/**
 * The value an unmasked `respondJson` response is the JSON of, for
 * middleware after the handler that would otherwise clone and parse the
 * body (the audit log, on every admin's read of a player); undefined for
 * any other response. Read only: the body was serialised from it already.
 *
 * @example
 * const body = answeredValue(c.res) ?? (await c.res.clone().json());
 */
export function answeredValue(res: Response): unknown {
  return (res as { [ANSWERED]?: unknown })[ANSWERED];
}

/**
 * Answers `value` as JSON, masked for the caller's role as
 * `maskPersonalData` would mask it (before it is serialised: no parse and
 * copy of the bytes afterwards), with the request's complete headers when
 * the app has `securityHeaders` (see `fast-json.ts`). Routes on hot paths
 * answer with it; `c.json` stays correct everywhere (masked from its bytes).
 *
 * @example
 * return respondJson(c, player, 200);
 */
export function respondJson<T, S extends ContentfulStatusCode>(c: Context<AppEnv>, value: T, status: S): Response & TypedResponse<JSONParsed<T>, S, 'json'> {
  type Typed = Response & TypedResponse<JSONParsed<T>, S, 'json'>;
  const principal = c.get('principal');
  const mask = principal !== undefined && !can(principal.role, 'personal:read');
  const res = fastJsonResponse(c, JSON.stringify(mask ? maskShared(value) : value), status, mask);
  if (!res) return c.json(value as JSONValue, status) as unknown as Typed;
  (res as { [SERIALISED]?: true })[SERIALISED] = true;
  // A masked body is not the JSON of `value`: only an unmasked one is answered by it.
  if (!mask) (res as { [ANSWERED]?: unknown })[ANSWERED] = value;
  return res as Typed;
}

/**
 * Response-boundary masking: after every `/v1` handler (and the error
 * handler) has answered, a caller whose role lacks `personal:read` gets
 * the response with every personal value masked. One place, so a new route
 * cannot forget it: what `respondJson` answered is already masked for the
 * role; anything else is masked here from its bytes.
 *
 * @example
 * app.use('/v1/*', authenticate(storage), maskPersonalData());
 */
export function maskPersonalData(): MiddlewareHandler<AppEnv> {
  // Not async: a caller already authenticated with `personal:read` goes straight on, without a frame that waits for the answer.
  return function maskForRole(c, next) {
    const principal = c.get('principal');
    return principal && can(principal.role, 'personal:read') ? next() : maskAfter(c, next);
  };
}

async function maskAfter(c: Context<AppEnv>, next: Next): Promise<void> {
  await next();
  // Read again: a middleware further in may be the one that authenticates.
  const principal = c.get('principal');
  if (!principal || can(principal.role, 'personal:read')) return;
  if ((c.res as { [SERIALISED]?: true })[SERIALISED] === true) return;
  const masked = await maskResponse(c.res);
  if (masked === c.res) return;
  // Hono's `res` setter copies the old response's headers onto the new one, which would restore the unmasked content-length.
  c.res = undefined;
  c.res = masked;
}
