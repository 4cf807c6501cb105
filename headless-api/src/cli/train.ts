import { FEATURE_KEYS } from '@pitboss/core';
import { datasetFromStoredRows } from '@pitboss/ml';
import { runTrainCli } from '@pitboss/ml/node';
import type { DbTrainingData, TrainCliHooks } from '@pitboss/ml/node';
import { loadConfig, parseFlags } from '../config.js';
import type { Config } from '../config.js';
import { cliLogger, openStorage, runVerb } from './common.js';
import type { Verb } from './main.js';

/**
 * `--from db`: the tenant's `player_features` rows and the labels posted for
 * `target` (`player_labels`, from `POST /v1/labels`), read from every shard
 * database of the configured storage, as a labelled matrix.
 *
 * @example
 * const data = await readDbTrainingData(loadConfig(), { tenant: 'acme', target: 'risk', progress: console.error });
 */
export async function readDbTrainingData(config: Config, request: Parameters<NonNullable<TrainCliHooks['fromDb']>>[0]): Promise<DbTrainingData> {
  const { tenant, target, progress } = request;
  const storage = await openStorage(config, cliLogger(config));
  try {
    progress(`reading tenant ${tenant} from ${storage.databases.length} database${storage.databases.length === 1 ? '' : 's'} (${config.driver})`);
    const cols = FEATURE_KEYS.map((k) => `f.${k}`).join(', ');
    const rows: Record<string, unknown>[] = [];
    const labels: { player_id: string; label: number }[] = [];
    for (const [i, db] of storage.databases.entries()) {
      const features = await db.query(`SELECT f.player_id, ${cols} FROM player_features f WHERE f.tenant_id = $1`, [tenant]);
      const posted = await db.query<{ player_id: string; label: number }>('SELECT player_id, label FROM player_labels WHERE tenant_id = $1 AND target = $2', [tenant, target]);
      rows.push(...features);
      for (const l of posted) labels.push({ player_id: l.player_id, label: Number(l.label) });
      progress(`database ${i}: ${features.length} players with features, ${posted.length} ${target} labels`);
    }
    const ds = datasetFromStoredRows(rows, labels, { tenant, target });
    progress(`${ds.matrix.rows} labelled players (${ds.unlabelled} without a label and ${ds.labelsWithoutFeatures} labels without features left out)`);
    return {
      matrix: ds.matrix,
      description: `Tenant \`${tenant}\`: ${FEATURE_KEYS.length} stored features per player (player_features on ${storage.databases.length} database(s), as of each player's last refresh) with the ${target} labels posted through POST /v1/labels; ${ds.matrix.rows} labelled players`,
    };
  } finally {
    await storage.close();
  }
}

export const trainVerb: Verb = {
  summary: 'train a risk or churn model and export it as ONNX',
  run: (args) =>
    runVerb(async () => {
      // The API's configuration flags (--driver, --database-urls, --data-dir, …) select the database for --from db.
      const { rest } = parseFlags(args);
      // Checked before training starts, so a bad configuration exits 2 with the problems listed, as every verb does.
      const fromDb = rest.some((a, i) => a === '--from=db' || (a === '--from' && rest[i + 1] === 'db'));
      const config = fromDb ? loadConfig({ argv: args }) : null;
      return runTrainCli(rest, { fromDb: (request) => readDbTrainingData(config ?? loadConfig({ argv: args }), request) });
    }),
};
