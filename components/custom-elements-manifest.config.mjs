// `npm run manifest -w @pitboss/components` regenerates custom-elements.json from
// the JSDoc tags (@summary, @fires, @csspart, @cssprop) of the component classes.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.spec.ts', 'src/**/*.styles.ts'],
  // The staleness test (test/manifest.test.ts) writes a fresh copy elsewhere.
  outdir: process.env.PITBOSS_CEM_OUTDIR ?? '.',
  // Only the real run points package.json's `customElements` at its output.
  packagejson: !process.env.PITBOSS_CEM_OUTDIR,
  litelement: true,
  plugins: [
    {
      // ECMAScript #private and TypeScript private members are not part of any element's API.
      name: 'pitboss-drop-private-and-sort',
      packageLinkPhase({ customElementsManifest }) {
        // The analyzer lists modules in the order the file system returns them,
        // which differs between clones: sort by path so the output is stable.
        customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        for (const mod of customElementsManifest.modules) {
          for (const d of mod.declarations ?? []) {
            if (!d.members) continue;
            const internal = new Set(d.members.filter((m) => m.name.startsWith('#') || m.privacy === 'private').map((m) => m.name));
            d.members = d.members.filter((m) => !internal.has(m.name));
            // A private field in `static properties` is internal state (`state: true`), which the
            // analyzer would list as an attribute; it has none.
            if (d.attributes) d.attributes = d.attributes.filter((a) => !internal.has(a.fieldName));
          }
        }
      },
    },
  ],
};
