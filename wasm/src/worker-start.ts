import { wrap, type Remote } from 'comlink';
import { unwrap, type Reply } from './errors.js';

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

/**
 * The page side of a worker behind one comlink interface: the proxy, and a
 * `close()` that asks the worker to release what it holds, then ends it.
 *
 * @example
 * class Echo extends WorkerClient<EchoApi> {
 *   async echo(text: string): Promise<string> { return unwrap(await this.remote.echo(text)); }
 * }
 */
export abstract class WorkerClient<Api extends { close(): Promise<Reply<void>> }> {
  readonly #worker: Worker;
  readonly #remote: Remote<Api>;
  #closed = false;

  /** Wires an already started worker; the subclasses' `open…` functions start it. */
  constructor(worker: Worker) {
    this.#worker = worker;
    this.#remote = wrap<Api>(worker);
  }

  /** The comlink proxy of the worker, for callers that speak the protocol directly. */
  get remote(): Remote<Api> {
    return this.#remote;
  }

  /**
   * Lets the worker release what it holds, then ends it. Idempotent.
   *
   * @example
   * await client.close();
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      unwrap(await this.#remote.close());
    } finally {
      this.#worker.terminate();
    }
  }
}

/**
 * Starts a worker, wraps it in a client and runs the client's first call; a
 * worker whose script fails to load, or whose first call fails, is ended and
 * the error thrown.
 *
 * @example
 * const db = await openWorkerClient(url, 'pitboss-duckdb', (w) => new DuckDBClient(w), (c) => c.remote.open(request));
 */
export async function openWorkerClient<C>(url: string | URL, name: string, create: (worker: Worker) => C, first: (client: C) => Promise<Reply<unknown>>): Promise<C> {
  const { worker, failed } = startWorker(url, name);
  const client = create(worker);
  try {
    unwrap(await Promise.race([first(client), failed]));
  } catch (error) {
    worker.terminate();
    throw error;
  }
  return client;
}
