import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js';

type Variable = keyof typeof CONFIG_VARIABLES;

/** The rows of the README's "## Configuration" table: variable, flag and default cells. */
function configurationTable(markdown: string): { variable: string; flag: string; default: string }[] {
  const start = markdown.indexOf('\n## Configuration\n');
  expect(start, 'headless-api/README.md has a "## Configuration" section').toBeGreaterThan(-1);
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end === -1 ? undefined : end);
  return section
    .split('\n')
    .filter((line) => /^\|\s*`/.test(line))
    .map((line) => {
      const cells = line.split('|').slice(1, -1).map((c) => c.trim());
      const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1');
      return { variable: unquote(cells[0] ?? ''), flag: unquote(cells[1] ?? ''), default: cells[2] ?? '' };
    });
}

/** A default cell that is one value (`pglite`, 8787, 16 MiB), as the variable would hold it; null for prose. */
function literalDefault(cell: string): string | null {
  const quoted = /^`([^`]+)`$/.exec(cell);
  if (quoted) return quoted[1]!;
  if (/^\d+$/.test(cell)) return cell;
  const mib = /^(\d+) MiB$/.exec(cell);
  return mib ? String(Number(mib[1]) * 1024 * 1024) : null;
}

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

// The Configuration table drifted from CONFIG_VARIABLES before (PITBOSS_EMBED_SECRET and PITBOSS_HSTS were read but not listed).
describe('headless-api/README.md Configuration table', () => {
  const rows = configurationTable(README);

  it('lists every variable of CONFIG_VARIABLES once, and no other', () => {
    const listed = rows.map((r) => r.variable);
    expect(listed.length, 'a variable listed twice').toBe(new Set(listed).size);
    expect([...listed].sort()).toEqual(Object.keys(CONFIG_VARIABLES).sort());
  });

  it("names each variable's flag as CONFIG_VARIABLES does", () => {
    for (const row of rows) expect(row.flag, row.variable).toBe(CONFIG_VARIABLES[row.variable as Variable]);
  });

  it('states the defaults loadConfig applies, where the table gives one value', () => {
    const unset = loadConfig({ env: {} });
    const checked = rows.flatMap((row) => {
      const value = literalDefault(row.default);
      return value === null ? [] : [[row.variable, value] as const];
    });
    expect(checked.length).toBeGreaterThanOrEqual(10);
    for (const [variable, value] of checked) {
      expect(loadConfig({ env: { [variable]: value } }), `${variable}=${value}`).toEqual(unset);
    }
  });
});

// The CLI table had lost `pitboss synth`.
describe('headless-api/README.md CLI table', () => {
  it('names every verb `pitboss --help` lists', async () => {
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
    try {
      expect(await main(['--help'])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const usage = printed.join('\n');
    const verbs = [...usage.matchAll(/^ {2}pitboss (\w+)/gm)].map((m) => m[1]!);
    expect(verbs.length).toBeGreaterThanOrEqual(8);
    const start = README.indexOf('\n## CLI\n');
    const table = README.slice(start, README.indexOf('\n## ', start + 1));
    const documented = new Set([...table.matchAll(/^\| `pitboss (\w+)/gm)].map((m) => m[1]!));
    expect(verbs.filter((v) => !documented.has(v))).toEqual([]);
    expect([...documented].filter((v) => !verbs.includes(v))).toEqual([]);
  });
});
