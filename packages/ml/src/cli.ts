import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { modelCard } from './card.js';
import { loadSynthDataset } from './dataset-node.js';
import type { ProgressSink } from './dataset-node.js';
import type { LabelledMatrix } from './matrix.js';
import type { ModelKind, Target } from './model.js';
import { exportOnnx } from './onnx.js';
import { trainModel } from './pipeline.js';

const HELP = `usage: pitboss train --target risk|churn --from FILE|db [--tenant T] [--out model.onnx] [flags]

Trains a responsible-gambling risk or 30-day churn model on synth output or
on a tenant's stored features, writes it as ONNX (opset 17) and a model card
beside it (<out>.card.md).

  --target risk|churn   what to predict (synth labels: at_risk, churned;
                        stored labels: POST /v1/labels with that target)
  --from FILE           synth events NDJSON; its labels file sits beside it
                        (<stem>.labels.ndjson or labels.ndjson)
  --from db             the features the API stores for --tenant (every
                        shard, as of each player's last refresh) with the
                        labels posted for it through POST /v1/labels; the
                        database comes from the API's configuration
                        (PITBOSS_DRIVER, PITBOSS_DATABASE_URLS,
                        PITBOSS_DATA_DIR or their flags)
  --tenant T            the tenant to train on (--from db only)
  --labels FILE         labels file, when not beside the events
  --out FILE            model file (default model.onnx)
  --model logistic|mlp  logistic regression (exact explanations; default) or
                        MLP F→16→1 (explained by integrated gradients)
  --precision float64|float32
                        graph arithmetic: float64 mirrors the TypeScript
                        reference step for step (default); float32 folds
                        normalisation and calibration into the weights and
                        runs ~2x faster (both within 1e-6 of the reference)
  --seed N              split, shuffling and initial weights (default 42)
  --epochs N            maximum epochs (default 200; early stopping decides)
  --name NAME           model name (default pitboss-<target>-<model>)
  --version V           model version (default 1)
  --trained-at ISO      training date written into the model (default now;
                        fix it for byte-identical files)
  -q, --quiet           no progress on stderr
  -h, --help            this text

Progress goes to stderr; the last line on stdout is a JSON summary.`;

/** A labelled matrix read from the API's database, and how to describe it in the model card. */
export interface DbTrainingData {
  matrix: LabelledMatrix;
  /** One sentence for the card: which tenant, databases, labels. */
  description: string;
}

/** What the host (headless-api's `pitboss train`) plugs in. */
export interface TrainCliHooks {
  /**
   * `--from db`: reads the tenant's stored features and posted labels for
   * `target` (see `datasetFromStoredRows`), reporting progress. Throw
   * `TrainingDataError` for data that cannot train (no labels, …).
   */
  fromDb?: (request: { tenant: string; target: Target; progress: ProgressSink }) => Promise<DbTrainingData>;
}

/**
 * `pitboss train`: the CLI verb, wired by the dispatcher in headless-api,
 * which passes `hooks.fromDb` for `--from db`. Resolves to the exit code
 * (0 ok, 1 failure, 2 usage error).
 *
 * @example
 * process.exitCode = await runTrainCli(['--target', 'risk', '--from', 'events.ndjson', '--out', 'risk.onnx']);
 * process.exitCode = await runTrainCli(['--target', 'risk', '--from', 'db', '--tenant', 'acme'], { fromDb });
 */
export async function runTrainCli(args: string[], hooks: TrainCliHooks = {}): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        target: { type: 'string' },
        from: { type: 'string' },
        tenant: { type: 'string' },
        labels: { type: 'string' },
        out: { type: 'string', default: 'model.onnx' },
        model: { type: 'string', default: 'logistic' },
        precision: { type: 'string', default: 'float64' },
        seed: { type: 'string', default: '42' },
        epochs: { type: 'string' },
        name: { type: 'string' },
        version: { type: 'string', default: '1' },
        'trained-at': { type: 'string' },
        quiet: { type: 'boolean', short: 'q', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (cause) {
    console.error(`pitboss train: ${(cause as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const usage = (msg: string): number => {
    console.error(`pitboss train: ${msg}\n\n${HELP}`);
    return 2;
  };
  const target = values.target as Target | undefined;
  if (target !== 'risk' && target !== 'churn') return usage('--target must be risk or churn');
  if (!values.from) return usage('--from is required');
  const fromDb = values.from === 'db';
  if (fromDb && !hooks.fromDb) return usage('--from db reads the API\'s database: run it as `pitboss train` (the @pitboss/headless-api CLI)');
  if (fromDb && !values.tenant) return usage('--from db needs --tenant');
  if (fromDb && values.labels !== undefined) return usage('--labels is for --from FILE; --from db uses the labels posted through POST /v1/labels');
  if (!fromDb && values.tenant !== undefined) return usage('--tenant is for --from db');
  const kind = values.model as ModelKind;
  if (kind !== 'logistic' && kind !== 'mlp') return usage('--model must be logistic or mlp');
  const precision = values.precision;
  if (precision !== 'float64' && precision !== 'float32') return usage('--precision must be float64 or float32');
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) return usage('--seed must be an integer');
  const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0)) return usage('--epochs must be a positive integer');
  const trainedAt = values['trained-at'] ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(trainedAt))) return usage('--trained-at must be an ISO 8601 date');

  const progress = values.quiet ? () => {} : (m: string) => process.stderr.write(`train: ${m}\n`);
  const out = resolve(values.out);
  const cardPath = out.replace(/\.onnx$/, '') + '.card.md';
  try {
    const t0 = performance.now();
    let ds: { matrix: LabelledMatrix; description: string; synthetic: boolean };
    if (fromDb) {
      const db = await hooks.fromDb!({ tenant: values.tenant!, target, progress });
      ds = { ...db, synthetic: false };
    } else {
      const labelsOpt = values.labels === undefined ? {} : { labelsFile: values.labels };
      const file = await loadSynthDataset({ eventsFile: values.from, ...labelsOpt, target, progress });
      ds = { matrix: file.matrix, synthetic: true, description: `Synthetic events from \`${file.eventsFile}\` with planted labels from \`${file.labelsFile}\`; features computed as of ${file.asOf}` };
    }
    let positives = 0;
    for (const y of ds.matrix.labels) positives += y;
    progress(`${ds.matrix.rows} players, ${positives} positive; training ${kind} (seed ${seed})`);
    const trained = trainModel(ds.matrix, {
      kind,
      target,
      seed,
      trainedAt,
      version: values.version,
      ...(values.name === undefined ? {} : { name: values.name }),
      ...(epochs === undefined ? {} : { epochs }),
      onEpoch: (p) => {
        if (p.epoch === 1 || p.epoch % 10 === 0) {
          progress(`epoch ${p.epoch}: train loss ${p.trainLoss.toFixed(4)}, validation loss ${p.validationLoss.toFixed(4)}${p.best ? ' (best so far)' : ''}`);
        }
      },
    });
    const t = trained.test;
    progress(`kept epoch ${trained.training.bestEpoch} of ${trained.training.epochsRun} (early stopping on validation loss)`);
    progress(`test: ROC-AUC ${t.rocAuc.toFixed(3)}, PR-AUC ${t.prAuc.toFixed(3)}, ECE ${t.ece.toFixed(4)}`);
    const bytes = exportOnnx(trained.artifact, { precision, metrics: { test: trained.test, validation: trained.validation, data: trained.data } });
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, bytes);
    await writeFile(cardPath, modelCard(trained, { description: ds.description, synthetic: ds.synthetic, precision }));
    progress(`wrote ${out} (${bytes.length} bytes) and ${cardPath} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log(JSON.stringify({ model: out, card: cardPath, from: fromDb ? 'db' : 'file', rows: trained.data.rows, positives: trained.data.positives, rocAuc: t.rocAuc, prAuc: t.prAuc, ece: t.ece }));
    return 0;
  } catch (cause) {
    console.error(`pitboss train: ${(cause as Error).message}`);
    if ((cause as Error).cause) console.error('caused by:', (cause as Error).cause);
    return 1;
  }
}
