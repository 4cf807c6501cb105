import { runTrainCli } from '@pitboss/ml/node';
import type { Verb } from './main.js';

export const trainVerb: Verb = {
  summary: 'train a risk or churn model and export it as ONNX',
  run: (args) => runTrainCli(args),
};
