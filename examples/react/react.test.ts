// The React example end to end (see ../support/framework-suite.ts).
import { frameworkExampleSuite } from '../support/framework-suite.js';

frameworkExampleSuite({
  title: 'examples/react: <pb-player-table> in a React 19 app',
  prefix: 'exreact',
  folder: new URL('./', import.meta.url),
  entry: './src/main.tsx',
  binding: 'properties set by ref',
  events: 'calls onSelectionChange and onRowActivate',
});
