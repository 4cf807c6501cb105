/** Types of bundle.mjs, for the TypeScript tests that import it. */
export declare function bundle(entry: string, outfile: string): Promise<{ outfile: string; ms: number }>;
