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
  const level = options.level ?? 'info';
  const write = options.write ?? ((line: string) => void globalThis.process?.stdout?.write(line + '\n'));
  const now = options.now ?? (() => new Date());
  const make = (base: LogFields): Logger => {
    const emit = (lvl: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
      if (RANK[lvl] < RANK[level]) return;
      write(JSON.stringify({ time: now().toISOString(), level: lvl, msg: message, ...base, ...fields }, errorReplacer));
    };
    return {
      level,
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.base ?? {});
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack, ...(value.cause !== undefined ? { cause: String(value.cause) } : {}) };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
