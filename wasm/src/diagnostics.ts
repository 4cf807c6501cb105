/** Why a worker runs on one thread, in the words the diagnostics use. */
export const NOT_ISOLATED = 'page is not cross-origin isolated';

/**
 * How many threads an engine may use, and why not more: threads need
 * `SharedArrayBuffer`, which browsers only give cross-origin isolated pages
 * (COOP `same-origin` + COEP `require-corp`).
 */
export interface ThreadPlan {
  threads: number;
  crossOriginIsolated: boolean;
  /** `null` when threads are on. */
  threadsOffReason: string | null;
}

/**
 * The thread plan for the current global scope (page or worker).
 *
 * @example
 * planThreads(4); // { threads: 1, crossOriginIsolated: false, threadsOffReason: 'page is not cross-origin isolated' }
 */
export function planThreads(wanted: number): ThreadPlan {
  const isolated = globalThis.crossOriginIsolated === true;
  if (!isolated) return { threads: 1, crossOriginIsolated: false, threadsOffReason: NOT_ISOLATED };
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  const threads = Math.max(1, Math.min(wanted, cores));
  return { threads, crossOriginIsolated: true, threadsOffReason: threads > 1 ? null : `only ${cores} core available` };
}

/** Whether WebGPU gave an adapter here, and which. */
export interface WebGpuProbe {
  found: boolean;
  /** Vendor / architecture / description as the adapter reports them; `null` when none. */
  adapter: string | null;
  /** Why none was found; `null` when found. */
  reason: string | null;
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; device?: string };
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapterLike | null>;
}

/**
 * Asks `navigator.gpu` for an adapter. Never throws: a missing adapter is a
 * fact to report, not an error.
 *
 * @example
 * const gpu = await probeWebGpu(); if (!gpu.found) console.info(gpu.reason);
 */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { found: false, adapter: null, reason: 'navigator.gpu is not available in this browser or context' };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return { found: false, adapter: null, reason: `requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!adapter) return { found: false, adapter: null, reason: 'requestAdapter() returned no adapter' };
  const info = adapter.info ?? {};
  const label = [info.vendor, info.architecture, info.description || info.device].filter((s) => s).join(' / ') || 'unnamed adapter';
  return { found: true, adapter: label, reason: null };
}

/**
 * Whether this scope can keep DuckDB files in the Origin Private File System
 * with synchronous access handles (dedicated workers only).
 *
 * @example
 * const opfs = opfsSupport(); if (!opfs.available) console.info(opfs.reason);
 */
export function opfsSupport(): { available: boolean; reason: string | null } {
  const storage = globalThis.navigator?.storage as { getDirectory?: unknown } | undefined;
  if (typeof storage?.getDirectory !== 'function') return { available: false, reason: 'navigator.storage.getDirectory is not available' };
  const handle = (globalThis as { FileSystemFileHandle?: { prototype: object } }).FileSystemFileHandle;
  if (!handle || !('createSyncAccessHandle' in handle.prototype)) {
    return { available: false, reason: 'FileSystemFileHandle.createSyncAccessHandle is not available' };
  }
  return { available: true, reason: null };
}
