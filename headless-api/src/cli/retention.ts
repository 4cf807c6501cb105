import { cliLogger, openStorage, readArgs, runVerb } from './common.js';
import type { Verb } from './main.js';

const USAGE = `usage:
  pitboss retention [--tenant T]                  delete events and dead letters older than each tenant's horizon
  pitboss retention --tenant T --set-days D       set T's horizon to D days (then run it)
  pitboss retention --tenant T --clear            T keeps everything again

Prints one line per tenant: tenant, horizon, cutoff, events deleted, dead letters deleted.
Each run is recorded in the audit log (action retention.run).`;

/**
 * `pitboss retention`: the retention job over the configured databases, for
 * a cron or a Kubernetes CronJob. Tenants without a horizon are untouched.
 *
 * @example
 * // pitboss retention --tenant acme --set-days 1825
 */
export const retentionVerb: Verb = {
  summary: "delete events older than each tenant's retention horizon",
  run: (args) =>
    runVerb(async () => {
      const { config, values } = readArgs(args, {
        tenant: { type: 'string' },
        'set-days': { type: 'string' },
        clear: { type: 'boolean' },
      });
      if (values.help) {
        console.log(USAGE);
        return 0;
      }
      if ((values['set-days'] !== undefined || values.clear) && !values.tenant) {
        console.error('pitboss retention: --set-days and --clear need --tenant');
        return 2;
      }
      const days = values['set-days'] === undefined ? undefined : Number(values['set-days']);
      if (days !== undefined && !(Number.isInteger(days) && days > 0)) throw new RangeError('--set-days must be a positive whole number of days');
      const storage = await openStorage(config, cliLogger(config));
      try {
        await storage.migrate();
        if (values.tenant && days !== undefined) await storage.privacy.setRetention(values.tenant, days);
        if (values.tenant && values.clear) {
          await storage.privacy.setRetention(values.tenant, null);
          return 0;
        }
        const reports = await storage.privacy.runRetention(values.tenant ? { tenant: values.tenant } : {});
        for (const r of reports) console.log([r.tenant, `${r.retention_days}d`, r.cutoff, `events=${r.events_deleted}`, `dead_letters=${r.dead_letters_deleted}`].join('\t'));
        return 0;
      } finally {
        await storage.close();
      }
    }),
};
