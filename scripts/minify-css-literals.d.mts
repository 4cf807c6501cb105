import type { Plugin } from 'rollup';

/** Rollup plugin: minifies the CSS of Lit css`` templates without `${}` (components/src by default). */
export function minifyCssLiterals(options?: { include?: RegExp }): Plugin;
