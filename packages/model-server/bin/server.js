#!/usr/bin/env node
// `node packages/model-server/bin/server.js --repo DIR --port P`. In a checkout
// (sources present, tsx installed) it runs the TypeScript sources, resolving
// workspace packages through their `source` condition; installed, it runs dist/.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const source = here('../src/server.ts');

let entry;
if (existsSync(source) && (await import('tsx/esm/api').then((m) => m.register(), () => null))) {
  const addSourceCondition =
    'export async function resolve(specifier, context, next) {' +
    " return next(specifier, { ...context, conditions: [...context.conditions, 'source'] }); }";
  register('data:text/javascript,' + encodeURIComponent(addSourceCondition));
  entry = source;
} else {
  entry = here('../dist/server.js');
}
const { runServerCli } = await import(pathToFileURL(entry).href);
process.exitCode = await runServerCli(process.argv.slice(2));
