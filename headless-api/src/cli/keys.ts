import { ROLES } from '../app/permissions.js';
import type { Role } from '../app/permissions.js';
import { createPlatformKey, listPlatformKeys, revokePlatformKey } from '../storage/platform.js';
import { cliLogger, openStorage, readArgs, runVerb } from './common.js';
import type { Verb } from './main.js';

const USAGE = `usage:
  pitboss keys create --tenant T --role admin|analyst|agent [--name N] [--expires-in-days D]   prints only the key
  pitboss keys list   --tenant T
  pitboss keys revoke --tenant T --id KEY_ID
  pitboss keys create --platform [--name N] [--expires-in-days D]   a platform key (pbp_…) for /v1/admin; prints only the key
  pitboss keys list   --platform
  pitboss keys revoke --platform --id KEY_ID

A platform key manages tenants and their keys through /v1/admin (create a
tenant, issue and revoke its keys); it reads no tenant's data. Give it to
whoever runs this installation, not to an operator.`;

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
        platform: { type: 'boolean' },
      });
      const [action] = positionals;
      if (values.help || !action) {
        console.log(USAGE);
        return values.help ? 0 : 2;
      }
      if (values.platform) return platformKeys(action, values, config);
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

/** `--platform`: platform keys, audited in `platform_audit` with actor `cli`. */
async function platformKeys(action: string, values: { tenant?: string; role?: string; name?: string; 'expires-in-days'?: string; id?: string }, config: Parameters<typeof openStorage>[0]): Promise<number> {
  if (values.tenant || values.role) {
    console.error('pitboss keys: --platform takes no --tenant or --role (a platform key belongs to no tenant)');
    return 2;
  }
  if (!['create', 'list', 'revoke'].includes(action)) {
    console.error(`pitboss keys: unknown action ${JSON.stringify(action)}\n\n${USAGE}`);
    return 2;
  }
  if (action === 'revoke' && !values.id) {
    console.error('pitboss keys revoke --platform: --id is required');
    return 2;
  }
  const days = values['expires-in-days'] === undefined ? undefined : Number(values['expires-in-days']);
  if (days !== undefined && !(days > 0)) throw new RangeError('--expires-in-days must be a positive number');
  const storage = await openStorage(config, cliLogger(config));
  try {
    await storage.migrate();
    if (action === 'create') {
      const created = await createPlatformKey(storage.control, {
        ...(values.name ? { name: values.name } : {}),
        ...(days ? { expiresAt: new Date(Date.now() + days * 86_400_000) } : {}),
      });
      process.stdout.write(created.key + '\n');
    } else if (action === 'list') {
      for (const k of await listPlatformKeys(storage.control)) {
        console.log([k.id, 'platform', k.revoked_at ? 'revoked' : k.expires_at && Date.parse(k.expires_at) < Date.now() ? 'expired' : 'active', k.created_at, k.name ?? ''].join('\t'));
      }
    } else {
      if (!(await revokePlatformKey(storage.control, values.id!))) {
        console.error(`pitboss keys revoke: no live platform key ${values.id}`);
        return 1;
      }
      console.log(`revoked ${values.id}`);
    }
  } finally {
    await storage.close();
  }
  return 0;
}
