/**
 * `pitboss <verb> [flags]`: one command for every operational task.
 * Each verb lives in its own module and is loaded only when called, so
 * `pitboss synth` does not pay for the API's dependencies.
 */
export interface Verb {
  summary: string;
  run(args: string[]): Promise<number>;
}

const verbs: Record<string, () => Promise<Verb>> = {
  synth: async () => (await import('./synth.js')).synthVerb,
  start: async () => (await import('./start.js')).startVerb,
  serve: async () => (await import('./serve.js')).serveVerb,
  migrate: async () => (await import('./migrate.js')).migrateVerb,
  seed: async () => (await import('./seed.js')).seedVerb,
  keys: async () => (await import('./keys.js')).keysVerb,
  train: async () => (await import('./train.js')).trainVerb,
  retention: async () => (await import('./retention.js')).retentionVerb,
};

const summaries: Record<string, string> = {
  synth: 'generate synthetic operator data as NDJSON',
  start: 'the embedded default: migrate, seed once, serve (what npm start runs)',
  serve: 'serve the API on the configured databases',
  migrate: 'apply schema migrations to the control and shard databases',
  seed: 'load synthetic data through the ingestion path',
  keys: 'create, list and revoke API keys',
  train: 'train a risk or churn model and export it as ONNX',
  retention: "delete events older than each tenant's retention horizon",
};

function usage(): string {
  const lines = Object.keys(verbs).map((v) => `  pitboss ${v.padEnd(8)} ${summaries[v] ?? ''}`);
  return `usage: pitboss <verb> [flags]\n\nverbs:\n${lines.join('\n')}\n\nRun \`pitboss <verb> --help\` for a verb's flags.`;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const load = verbs[name];
  if (!load) {
    console.error(`pitboss: unknown verb ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  const verb = await load();
  return verb.run(rest);
}
