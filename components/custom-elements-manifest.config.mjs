// `npm run manifest -w @pitboss/components` regenerates custom-elements.json from
// the JSDoc tags (@summary, @fires, @csspart, @cssprop) of the component classes.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.spec.ts'],
  outdir: '.',
  litelement: true,
  plugins: [
    {
      // ECMAScript #private members are not part of any element's API.
      name: 'pitboss-drop-private',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules) {
          for (const d of mod.declarations ?? []) {
            if (d.members) d.members = d.members.filter((m) => !m.name.startsWith('#') && m.privacy !== 'private');
          }
        }
      },
    },
  ],
};
