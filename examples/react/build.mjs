#!/usr/bin/env node
// node examples/react/build.mjs → examples/react/dist/app.js (React, the components and the SDK in one module)
import { fileURLToPath } from 'node:url';
import { bundle } from '../support/bundle.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const { outfile, ms } = await bundle(here('./src/main.tsx'), here('./dist/app.js'));
console.log(`built ${outfile} in ${ms} ms`);
