// The Vue example end to end (see ../support/framework-suite.ts).
import { frameworkExampleSuite } from '../support/framework-suite.js';

frameworkExampleSuite({
  title: 'examples/vue: <pb-player-table> in a Vue 3 app (template compiled in the browser, isCustomElement)',
  prefix: 'exvue',
  folder: new URL('./', import.meta.url),
  entry: './src/main.ts',
  binding: '.prop bindings',
  events: 'handles @pb-selection-change and @pb-row-activate',
});
