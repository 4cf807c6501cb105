import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { createJsonLogger } from '../app/logger.js';
import type { Logger } from '../app/logger.js';
import { ConfigError, loadConfig, parseFlags } from '../config.js';
import type { Config } from '../config.js';
import { StorageConfigError, createStorage } from '../storage/index.js';

export type Storage = Awaited<ReturnType<typeof createStorage>>;

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parsed values of a verb's own options. */
export type OptionValues<T extends Options> = { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string } & { help?: boolean };

/**
 * Config flags (shared by every verb) plus the verb's own options.
 *
 * @example
 * const { config, values } = readArgs(['--port', '9000', '--tenant', 'acme'], { tenant: { type: 'string' } });
 */
export function readArgs<T extends Options>(args: string[], options: T): { config: Config; values: OptionValues<T>; positionals: string[] } {
  const { rest } = parseFlags(args);
  const config = loadConfig({ argv: args });
  const parsed = parseArgs({ args: rest, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true });
  return { config, values: parsed.values as OptionValues<T>, positionals: parsed.positionals };
}

/**
 * Opens storage for a config (the embedded PGlite under dataDir, or the shard URLs).
 *
 * @example
 * const storage = await openStorage(loadConfig(), cliLogger(config));
 */
export async function openStorage(config: Config, logger: Logger): Promise<Storage> {
  return createStorage({
    driver: config.driver,
    dataDir: config.dataDir,
    urls: config.databaseUrls,
    ...(config.controlUrl ? { controlUrl: config.controlUrl } : {}),
    onIdleError: (error, database) => logger.warn('idle database connection failed', { database, error }),
  });
}

/**
 * A logger for CLI verbs: JSON lines on stderr, so stdout stays for results.
 *
 * @example
 * cliLogger(config).warn('slow shard', { database: 2 });
 */
export function cliLogger(config: Config): Logger {
  return createJsonLogger({ level: config.logLevel, write: (line) => void process.stderr.write(line + '\n') });
}

/**
 * Runs a verb body, turning config and usage errors into a message and exit code 2.
 *
 * @example
 * run: (args) => runVerb(async () => { readArgs(args, {}); return 0; }),
 */
export async function runVerb(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    const usage = err instanceof ConfigError || err instanceof RangeError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'));
    if (usage) {
      console.error(`pitboss: ${err.message}`);
      return 2;
    }
    if (err instanceof StorageConfigError) {
      console.error(`pitboss: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
