/** Types of component-docs.mjs, for its test. */
export declare const MANIFEST_PATH: string;
export declare const DOC_PATH: string;
export declare const REGENERATE: string;
export declare function renderComponentDocs(manifest: unknown): string;
