import { cliLogger, openStorage, readArgs, runVerb } from './common.js';
import type { Verb } from './main.js';

export const migrateVerb: Verb = {
  summary: 'apply the numbered SQL migrations to the control database and every shard',
  run: (args) =>
    runVerb(async () => {
      const { config, values } = readArgs(args, {});
      if (values.help) {
        console.log('usage: pitboss migrate [--driver pglite|pg|neon] [--database-urls URLS] [--control-url URL] [--data-dir DIR]');
        return 0;
      }
      const storage = await openStorage(config, cliLogger(config));
      try {
        for (const report of await storage.migrate()) {
          const applied = report.applied.length ? report.applied.join(', ') : 'up to date';
          console.log(`database ${report.database}: ${applied}`);
        }
      } finally {
        await storage.close();
      }
      return 0;
    }),
};
