/**
 * Starts a module worker and a promise that rejects if its script cannot be
 * loaded: without it a missing or broken asset would leave every comlink call
 * pending forever.
 *
 * @example
 * const { worker, failed } = startWorker(url, 'pitboss-duckdb');
 * await Promise.race([wrap<Api>(worker).open(request), failed]);
 */
export function startWorker(url: string | URL, name: string): { worker: Worker; failed: Promise<never> } {
  const worker = new Worker(url, { type: 'module', name });
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event: ErrorEvent) => {
      reject(new Error(`worker ${name} failed to start from ${String(url)}: ${event.message || 'script error'}`));
    }, { once: true });
  });
  // Callers race `failed` against their first call; once that call settles nobody awaits it.
  failed.catch((unobserved: unknown) => unobserved);
  return { worker, failed };
}
