/**
 * Rejects when `url` answers 404 or another client error. Engines that
 * fetch their WebAssembly inside Emscripten report a missing file late,
 * vaguely or never; a HEAD request keeps the 15–35 MB body off the wire.
 *
 * @example
 * await assertFetchable(wasmUrl, 'DuckDB-WASM could not start'); // throws 'DuckDB-WASM could not start from …: HTTP 404'
 */
export async function assertFetchable(url: string, what: string): Promise<void> {
  const response = await fetch(url, { method: 'HEAD' });
  // 405/501: a server without HEAD support; the real request will tell.
  if (!response.ok && response.status !== 405 && response.status !== 501) {
    throw new Error(`${what} from ${url}: HTTP ${response.status}`);
  }
}
