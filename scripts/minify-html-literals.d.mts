import type { Plugin } from 'rollup';

/** The module's text with the indentation of its html``/svg`` templates removed (line breaks kept), or null when it has none. */
export function minifyHtmlTemplates(code: string, fileName: string): string | null;

/** Rollup plugin: removes the indentation inside Lit html``/svg`` templates (components/src by default). */
export function minifyHtmlLiterals(options?: { include?: RegExp }): Plugin;
