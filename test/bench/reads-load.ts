// The load generator of one reads bench run, in a process of its own (forked by reads.bench.ts):
// neither server shares its CPU time accounting, heap, GC or event loop. It speaks HTTP/1.1 over
// plain sockets (requests built once, answers read by status line, content-length or chunked
// framing), like wrk: node:http's client cost more CPU per request than the servers under test,
// on a machine where the generator, both servers and Postgres share two cores.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { FromLoad, LoadResult, LoadSpec, ProcessStats, ToLoad } from './reads-protocol.js';

const HEAD_END = Buffer.from('\r\n\r\n');
const LINE_END = Buffer.from('\r\n');

/** Splits the bytes of one connection into HTTP/1.1 responses; `done` gets each one's status. */
class ResponseReader {
  private buf: Buffer = Buffer.alloc(0);
  private status = 0;
  /** -1 while reading the head; then the content length, or -2 for a chunked body. */
  private length = -1;

  constructor(private readonly done: (status: number) => void) {}

  feed(data: Buffer): void {
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    while (this.step());
  }

  /** Consumes one piece (a head, a body or a chunk); false when more bytes are needed. */
  private step(): boolean {
    const buf = this.buf;
    if (this.length === -1) {
      const end = buf.indexOf(HEAD_END);
      if (end === -1) return false;
      const head = buf.toString('latin1', 0, end).toLowerCase();
      this.status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length:\s*(\d+)/.exec(head)?.[1];
      if (length !== undefined) this.length = Number(length);
      else if (/\r\ntransfer-encoding:[^\r]*chunked/.test(head)) this.length = -2;
      else if (this.status === 204 || this.status === 304) this.length = 0;
      else throw new Error(`response without content-length or chunked framing: ${head.split('\r\n')[0]}`);
      this.buf = buf.subarray(end + 4);
      return true;
    }
    if (this.length >= 0) {
      if (buf.length < this.length) return false;
      this.buf = buf.subarray(this.length);
      return this.answered();
    }
    // Chunked: `<hex size>\r\n<data>\r\n`, ended by a zero-size chunk and an empty line (trailers, if any, before it).
    const line = buf.indexOf(LINE_END);
    if (line === -1) return false;
    const size = parseInt(buf.toString('latin1', 0, line), 16);
    if (Number.isNaN(size)) throw new Error('malformed chunk size');
    if (size > 0) {
      if (buf.length < line + 2 + size + 2) return false;
      this.buf = buf.subarray(line + 2 + size + 2);
      return true;
    }
    if (buf.length < line + 4) return false;
    let end = line + 4;
    if (buf[line + 2] !== 0x0d || buf[line + 3] !== 0x0a) {
      const trailers = buf.indexOf(HEAD_END, line + 2);
      if (trailers === -1) return false;
      end = trailers + 4;
    }
    this.buf = buf.subarray(end);
    return this.answered();
  }

  private answered(): boolean {
    this.length = -1;
    this.done(this.status);
    return true;
  }
}

/** One keep-alive connection, one request at a time. */
class Connection {
  private pending: ((status: number | Error) => void) | null = null;
  private readonly reader = new ResponseReader((status) => this.settle(status));

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => {
      try {
        this.reader.feed(data);
      } catch (err) {
        this.settle(err as Error);
        socket.destroy();
      }
    });
    socket.on('error', (err) => this.settle(err));
    socket.on('close', () => this.settle(new Error('connection closed by the server')));
  }

  static open(port: number, host: string): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => {
        socket.off('error', reject);
        resolve(new Connection(socket));
      });
      socket.once('error', reject);
    });
  }

  send(request: Buffer, answered: (status: number | Error) => void): void {
    if (this.pending) throw new Error('a request is already in flight on this connection');
    this.pending = answered;
    this.socket.write(request);
  }

  close(): void {
    this.socket.destroy();
  }

  private settle(outcome: number | Error): void {
    const pending = this.pending;
    this.pending = null;
    pending?.(outcome);
  }
}

// Measured as the servers measure themselves (reads-server.ts).
const gc = { count: 0, major: 0, totalMs: 0, maxMs: 0 };
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
    gc.totalMs += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
  }
});
observer.observe({ entryTypes: ['gc'] });
const loop = monitorEventLoopDelay({ resolution: 1 });

function sorted(xs: number[]): { p99: number; max: number } {
  if (xs.length === 0) return { p99: 0, max: 0 };
  const s = Float64Array.from(xs).sort();
  return { p99: s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)]!, max: s[s.length - 1]! };
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  const extra = Object.entries(spec.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const requests = spec.paths.map((p) => Buffer.from(`GET ${p} HTTP/1.1\r\nhost: ${url.host}\r\n${extra}\r\n`, 'latin1'));
  const connections = await Promise.all(Array.from({ length: spec.concurrency }, () => Connection.open(Number(url.port), url.hostname)));

  const latencies: number[] = [];
  const lags: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0, non200 = 0, unanswered = 0, sent = 0, last = 0;
  const next = () => requests[sent++ % requests.length]!;
  const record = (outcome: number | Error, from: number) => {
    last = performance.now();
    if (outcome instanceof Error) errors++;
    else {
      if (outcome !== 200) {
        non200++;
        statuses[outcome] = (statuses[outcome] ?? 0) + 1;
      }
      latencies.push(last - from);
    }
    return !(outcome instanceof Error);
  };

  gc.count = gc.major = gc.totalMs = gc.maxMs = 0;
  loop.reset();
  loop.enable();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + spec.durationMs;

  await new Promise<void>((finish) => {
    if (spec.mode === 'closed') {
      let active = connections.length;
      const go = (c: Connection) => {
        if (performance.now() >= deadline || sent >= spec.maxRequests) {
          if (--active === 0) finish();
          return;
        }
        const t0 = performance.now();
        c.send(next(), (outcome) => (record(outcome, t0) ? go(c) : --active === 0 && finish()));
      };
      connections.forEach(go);
      return;
    }
    // Open loop: requests fall due on a fixed schedule; each waits in `due` for a free connection.
    const interval = 1000 / spec.rate!;
    const total = Math.min(spec.maxRequests, Math.floor(spec.durationMs / interval));
    const due: number[] = [];
    let head = 0, scheduled = 0, answered = 0, nextDue = start, done = false;
    const busy = new Map<Connection, number>();
    const idle = [...connections];
    const end = () => {
      if (done) return;
      done = true;
      clearTimeout(drain);
      // Still waiting, for a connection or an answer: counted as unanswered, with the latency they had reached.
      const now = performance.now();
      for (const from of [...due.slice(head), ...busy.values()]) {
        unanswered++;
        latencies.push(now - from);
      }
      last = now;
      finish();
    };
    const dispatch = () => {
      while (idle.length > 0 && head < due.length) {
        const c = idle.pop()!;
        const from = due[head++]!;
        busy.set(c, from);
        c.send(next(), (outcome) => {
          busy.delete(c);
          answered++;
          if (record(outcome, from)) idle.push(c);
          if (done) return;
          if (answered === total) end();
          else dispatch();
        });
      }
    };
    let drain: NodeJS.Timeout | undefined;
    const tick = () => {
      const now = performance.now();
      while (scheduled < total && nextDue <= now) {
        lags.push(now - nextDue);
        due.push(nextDue);
        scheduled++;
        nextDue = start + scheduled * interval;
      }
      dispatch();
      if (scheduled < total) setTimeout(tick, Math.max(0, nextDue - performance.now()));
      else drain = setTimeout(end, spec.drainMs ?? 10_000);
    };
    tick();
  });

  const elapsedMs = last - start;
  const used = process.cpuUsage(cpu);
  loop.disable();
  for (const c of connections) c.close();
  // GC entries are delivered asynchronously: let the last ones arrive.
  await new Promise((r) => setTimeout(r, 20));
  const client: ProcessStats = { gc: { ...gc }, loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 }, cpuMs: (used.user + used.system) / 1000 };
  return { count: latencies.length - unanswered, elapsedMs, errors, unanswered, non200, statuses, latencies, scheduleLag: sorted(lags), client };
}

const send = (m: FromLoad) => process.send!(m);
process.once('message', (m: ToLoad) => {
  run(m.spec).then(
    (result) => send({ type: 'done', result }),
    (err: Error) => send({ type: 'error', error: { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) } }),
  );
});
// The bench disconnects once it has the result; then nothing keeps this process alive.
process.once('disconnect', () => observer.disconnect());
send({ type: 'ready' });
