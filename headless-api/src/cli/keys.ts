import { ROLES } from '../app/permissions.js';
import type { Role } from '../app/permissions.js';
import { cliLogger, openStorage, readArgs, runVerb } from './common.js';
import type { Verb } from './main.js';

const USAGE = `usage:
  pitboss keys create --tenant T --role admin|analyst|agent [--name N] [--expires-in-days D]   prints only the key
  pitboss keys list   --tenant T
  pitboss keys revoke --tenant T --id KEY_ID`;

export const keysVerb: Verb = {
  summary: 'create, list and revoke API keys',
  run: (args) =>
    runVerb(async () => {
      const { config, values, positionals } = readArgs(args, {
        tenant: { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
        'expires-in-days': { type: 'string' },
        id: { type: 'string' },
      });
      const [action] = positionals;
      if (values.help || !action) {
        console.log(USAGE);
        return values.help ? 0 : 2;
      }
      if (!values.tenant || !/^[\x21-\x7e]{1,128}$/.test(values.tenant)) {
        console.error('pitboss keys: --tenant is required (printable ASCII, no spaces)');
        return 2;
      }
      const tenant = values.tenant;
      if (action === 'create' && !ROLES.includes(values.role as Role)) {
        console.error(`pitboss keys create: --role must be one of ${ROLES.join(', ')}`);
        return 2;
      }
      if (!['create', 'list', 'revoke'].includes(action)) {
        console.error(`pitboss keys: unknown action ${JSON.stringify(action)}\n\n${USAGE}`);
        return 2;
      }
      const storage = await openStorage(config, cliLogger(config));
      try {
        await storage.migrate();
        if (action === 'create') {
          const days = values['expires-in-days'] === undefined ? undefined : Number(values['expires-in-days']);
          if (days !== undefined && !(days > 0)) throw new RangeError('--expires-in-days must be a positive number');
          const created = await storage.createApiKey(tenant, values.role as Role, {
            ...(values.name ? { name: values.name } : {}),
            ...(days ? { expiresAt: new Date(Date.now() + days * 86_400_000) } : {}),
          });
          process.stdout.write(created.key + '\n');
        } else if (action === 'list') {
          for (const k of await storage.listApiKeys(tenant)) {
            console.log([k.id, k.role, k.revoked_at ? 'revoked' : k.expires_at && Date.parse(k.expires_at) < Date.now() ? 'expired' : 'active', k.created_at, k.name ?? ''].join('\t'));
          }
        } else {
          if (!values.id) {
            console.error('pitboss keys revoke: --id is required');
            return 2;
          }
          if (!(await storage.revokeApiKey(tenant, values.id))) {
            console.error(`pitboss keys revoke: no live key ${values.id} for tenant ${tenant}`);
            return 1;
          }
          console.log(`revoked ${values.id}`);
        }
      } finally {
        await storage.close();
      }
      return 0;
    }),
};
