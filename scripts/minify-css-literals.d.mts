import type { Plugin } from 'rollup';

/** Rollup plugin: minifies the CSS of Lit css`` templates without `${}` (components/src by default). */
export function minifyCssLiterals(options?: { include?: RegExp }): Plugin;

/** Drops the whitespace esbuild's CSS minifier keeps in custom property values and var() fallbacks (after commas and custom property colons, around `*` in parentheses). */
export function tightenCss(css: string): string;
