#!/usr/bin/env node
// The `pitboss` command. In a checkout (sources present, tsx installed) it runs
// the TypeScript sources directly, resolving workspace packages through their
// `source` export condition; an installed package runs its built `dist/`.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const source = here('../src/cli/main.ts');

let entry;
if (existsSync(source) && (await import('tsx/esm/api').then((m) => m.register(), () => null))) {
  const addSourceCondition =
    'export async function resolve(specifier, context, next) {' +
    " return next(specifier, { ...context, conditions: [...context.conditions, 'source'] }); }";
  register('data:text/javascript,' + encodeURIComponent(addSourceCondition));
  entry = source;
} else {
  entry = here('../dist/cli/main.js');
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
