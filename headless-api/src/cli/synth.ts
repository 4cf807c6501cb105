import { runSynthCli } from '@pitboss/synth/node';
import type { Verb } from './main.js';

export const synthVerb: Verb = {
  summary: 'generate synthetic operator data as NDJSON',
  run: (args) => runSynthCli(args),
};
