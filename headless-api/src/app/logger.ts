/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, unknown>;

/** A structured logger: one JSON object per line. */
export interface Logger {
  readonly level: LogLevel;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface JsonLoggerOptions {
  level?: LogLevel;
  /** Where lines go; default `process.stdout` when present. */
  write?: (line: string) => void;
  /** Fields on every line (e.g. `{ service: 'pitboss' }`). */
  base?: LogFields;
  now?: () => Date;
}

/**
 * A logger that writes one JSON object per line: `{time, level, msg, ...fields}`.
 *
 * @example
 * const log = createJsonLogger({ level: 'info' });
 * log.info('listening', { url: 'http://127.0.0.1:8787' });
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const sink: Sink = {
    level: options.level ?? 'info',
    write: options.write ?? ((line: string) => void globalThis.process?.stdout?.write(line + '\n')),
    now: options.now ?? (() => new Date()),
  };
  return new JsonLogger(sink, options.base ?? {});
}

interface Sink {
  level: LogLevel;
  write: (line: string) => void;
  now: () => Date;
}

// A class rather than closures: `child` runs on every request (observe.ts) and allocates one object.
// Call its methods on the logger (`log.info(…)`), as every caller here does.
class JsonLogger implements Logger {
  constructor(
    readonly sink: Sink,
    readonly base: LogFields,
  ) {}

  get level(): LogLevel {
    return this.sink.level;
  }

  debug(message: string, fields?: LogFields): void {
    this.#emit('debug', message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.#emit('info', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.#emit('warn', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.#emit('error', message, fields);
  }

  child(fields: LogFields): Logger {
    // Object.assign rather than spreads: V8 (Node 20) adds keys to a spread's copy through a slow path.
    return new JsonLogger(this.sink, Object.assign({}, this.base, fields));
  }

  #emit(lvl: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields): void {
    if (RANK[lvl] < RANK[this.sink.level]) return;
    this.sink.write(JSON.stringify({ time: this.sink.now().toISOString(), level: lvl, msg: message, ...this.base, ...fields }, errorReplacer));
  }
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack, ...(value.cause !== undefined ? { cause: String(value.cause) } : {}) };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
