// What a plain page needs from Pitboss, as one ES module (bundled into
// dist/pitboss-embed.js by build.mjs, Lit included): the player table and the
// SDK pieces that feed it from the API with an embed token.
export { definePlayerTable, defineAll } from '@pitboss/components';
export { PitbossClient, RemotePlayerDataSource, embedToken, PitbossApiError } from '@pitboss/sdk';
