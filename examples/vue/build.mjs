#!/usr/bin/env node
// node examples/vue/build.mjs → examples/vue/dist/app.js (Vue with its template compiler, the components and the SDK in one module)
import { fileURLToPath } from 'node:url';
import { bundle } from '../support/bundle.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const { outfile, ms } = await bundle(here('./src/main.ts'), here('./dist/app.js'));
console.log(`built ${outfile} in ${ms} ms`);
