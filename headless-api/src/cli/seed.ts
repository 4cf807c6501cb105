import { seedTenant } from '../app/seed.js';
import type { SeedProgress } from '../app/seed.js';
import { cliLogger, openStorage, readArgs, runVerb } from './common.js';
import type { Verb } from './main.js';

/**
 * A progress printer: a rewritten line on a terminal, a line every few
 * seconds otherwise (CI logs).
 *
 * @example
 * seedTenant(deps, { ...opts, onProgress: progressLine() });
 */
export function progressLine(stream: NodeJS.WriteStream = process.stderr): (p: SeedProgress) => void {
  let last = 0;
  return (p) => {
    const now = performance.now();
    const done = p.players === p.totalPlayers;
    if (!stream.isTTY && !done && now - last < 3000) return;
    last = now;
    const rate = p.elapsedMs > 0 ? Math.round(p.events / (p.elapsedMs / 1000)) : 0;
    const line = `seed: ${p.players}/${p.totalPlayers} players, ${p.events} events (${p.accepted} new, ${p.duplicate} duplicate, ${p.rejected} rejected), ${rate} events/s`;
    stream.write(stream.isTTY ? `\r${line}\x1b[K${done ? '\n' : ''}` : line + '\n');
  };
}

export const seedVerb: Verb = {
  summary: 'load synthetic players (@pitboss/synth) through the ingestion path',
  run: (args) =>
    runVerb(async () => {
      const { config, values } = readArgs(args, {
        tenant: { type: 'string', default: 'demo' },
        players: { type: 'string', default: '1000' },
        days: { type: 'string', default: '90' },
        seed: { type: 'string', default: '42' },
        'batch-size': { type: 'string', default: '5000' },
        start: { type: 'string' },
      });
      if (values.help) {
        console.log('usage: pitboss seed [--tenant demo] [--players 1000] [--days 90] [--seed 42] [--batch-size 5000] [--start YYYY-MM-DD] [database flags]\n\nIdempotent: the same options load the same events; a rerun adds nothing.');
        return 0;
      }
      const num = (name: string, v: string | undefined, min: number, max: number) => {
        const n = Number(v);
        if (!Number.isSafeInteger(n) || n < min || n > max) throw new RangeError(`--${name} must be an integer from ${min} to ${max}, got ${v}`);
        return n;
      };
      const options = {
        tenant: String(values.tenant),
        players: num('players', values.players, 1, 10_000_000),
        days: num('days', values.days, 1, 3650),
        seed: num('seed', values.seed, 0, Number.MAX_SAFE_INTEGER),
        batchSize: num('batch-size', values['batch-size'], 1, config.limits.maxLines),
        ...(values.start ? { start: String(values.start) } : {}),
      };
      const logger = cliLogger(config);
      const storage = await openStorage(config, logger);
      try {
        await storage.migrate();
        const done = await seedTenant({ storage, maxDeadLetterChars: config.limits.maxDeadLetterChars }, { ...options, onProgress: progressLine() });
        await storage.featuresSettled();
        console.log(JSON.stringify({ tenant: options.tenant, ...done, elapsedMs: Math.round(done.elapsedMs) }));
      } finally {
        await storage.close();
      }
      return 0;
    }),
};
