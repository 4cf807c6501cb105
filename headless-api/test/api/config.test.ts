import { describe, it, expect } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('defaults to embedded PGlite under ./.pitboss on port 8787', () => {
    const c = loadConfig({ env: {} });
    expect(c).toMatchObject({ driver: 'pglite', dataDir: './.pitboss', port: 8787, databaseUrls: [] });
    expect(c.limits.maxBodyBytes).toBe(16 * 1024 * 1024);
  });

  it('reads shard URLs from the environment; flags win over the environment', () => {
    const c = loadConfig({
      env: { PITBOSS_DRIVER: 'pg', PITBOSS_DATABASE_URLS: 'postgres://u@h/a, postgres://u@h/b', PORT: '9000' },
      argv: ['--port=9100', '--max-lines', '500'],
    });
    expect(c.databaseUrls).toEqual(['postgres://u@h/a', 'postgres://u@h/b']);
    expect(c.controlUrl).toBe('postgres://u@h/a');
    expect(c.port).toBe(9100);
    expect(c.limits.maxLines).toBe(500);
  });

  it('lists every problem, naming variable and flag, without echoing URLs', () => {
    let err: unknown;
    try {
      loadConfig({ env: { PITBOSS_DRIVER: 'pg', PORT: 'eighty', PITBOSS_CONTROL_URL: 'mysql://secret@x/y' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT \(--port\): expected a number \(got "eighty"\)/);
    expect(problems).toMatch(/PITBOSS_DATABASE_URLS \(--database-urls\): required with PITBOSS_DRIVER=pg/);
    expect(problems).toMatch(/PITBOSS_CONTROL_URL/);
    expect(problems).not.toMatch(/secret/);
  });

  it('sweeps aged features after 24 hours unless told otherwise; 0 turns the sweep off; a negative age is refused', () => {
    expect(loadConfig({ env: {} }).featureMaxAgeHours).toBe(24);
    expect(loadConfig({ env: { PITBOSS_FEATURE_MAX_AGE_HOURS: '6' } }).featureMaxAgeHours).toBe(6);
    expect(loadConfig({ env: {}, argv: ['--feature-max-age-hours', '0'] }).featureMaxAgeHours).toBe(0);
    expect(() => loadConfig({ env: { PITBOSS_FEATURE_MAX_AGE_HOURS: '-1' } })).toThrow(/PITBOSS_FEATURE_MAX_AGE_HOURS \(--feature-max-age-hours\)/);
  });

  it('rejects an unknown driver and a repeated shard URL', () => {
    expect(() => loadConfig({ env: { PITBOSS_DRIVER: 'mysql' } })).toThrow(/expected pglite, pg or neon/);
    expect(() => loadConfig({ env: { PITBOSS_DRIVER: 'pg', PITBOSS_DATABASE_URLS: 'postgres://h/a,postgres://h/a' } })).toThrow(/appears twice/);
  });
});
