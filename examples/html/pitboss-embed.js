// What a plain page needs from Pitboss, as one ES module (bundled into
// dist/pitboss-embed.js by build.mjs, Lit included): the player table and the
// SDK pieces that feed it from the API with an embed token. Export only what
// the page uses: `defineAll` would pull in every component, the SQL console's
// DuckDB client and Arrow too (~460 KB minified against 92 KB for this bundle, built by `node examples/html/build.mjs`).
export { definePlayerTable } from '@pitboss/components';
export { PitbossClient, RemotePlayerDataSource, embedToken, PitbossApiError } from '@pitboss/sdk';
