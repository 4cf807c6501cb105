#!/usr/bin/env node
// node examples/html/build.mjs → examples/html/dist/pitboss-embed.js
import { fileURLToPath } from 'node:url';
import { bundle } from '../support/bundle.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const { outfile, ms } = await bundle(here('./pitboss-embed.js'), here('./dist/pitboss-embed.js'));
console.log(`built ${outfile} in ${ms} ms`);
