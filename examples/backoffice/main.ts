// The demo backoffice page that `npm start` serves at /backoffice/. It stands
// for an operator's own admin page: the operator's server (here the demo's
// POST /backoffice/pitboss-token) holds the Pitboss API key and hands the
// browser short-lived embed tokens; the page calls the API with those.
import { apiSegmentCounter, definePlayerCard, definePlayerTable, defineSegmentBuilder, defineSqlConsole } from '@pitboss/components';
import type { PbColumn, PbPlayerTable } from '@pitboss/components';
import { LocalAnalytics, PitbossApiError, PitbossClient, RemotePlayerDataSource, embedToken } from '@pitboss/sdk';
import type { LiveMessage, PlayerRow } from '@pitboss/sdk';
import { openScorer } from '@pitboss/wasm';
import type { DuckDBAssets, ScoringAssets } from '@pitboss/wasm';

/** Worker and WebAssembly files, as the demo server serves them (bundle and node_modules, never a CDN). */
export const assets = {
  duckdb: {
    worker: new URL('./duckdb.worker.js', location.href),
    duckdbWorker: new URL('./vendor/duckdb-browser-eh.worker.js', location.href),
    duckdbWasm: new URL('./vendor/duckdb-eh.wasm', location.href),
  } satisfies DuckDBAssets,
  scoring: {
    worker: new URL('./scoring.worker.js', location.href),
    ortWasm: { mjs: new URL('./vendor/ort-wasm-simd-threaded.mjs', location.href), wasm: new URL('./vendor/ort-wasm-simd-threaded.wasm', location.href) },
    ortWebGpu: { mjs: new URL('./vendor/ort-wasm-simd-threaded.asyncify.mjs', location.href), wasm: new URL('./vendor/ort-wasm-simd-threaded.asyncify.wasm', location.href) },
  } satisfies ScoringAssets,
};

const $ = <T extends Element = HTMLElement>(selector: string): T => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`missing element ${selector}`);
  return el;
};

/** Shows an error where the user sees it (role="alert"), as text. */
export function showError(context: string, error: unknown): void {
  const box = $('#error');
  const message = error instanceof PitbossApiError ? `${error.title}: ${error.detail ?? ''} (HTTP ${error.status})` : error instanceof Error ? error.message : String(error);
  box.textContent = `${context}: ${message}`;
  box.hidden = false;
  console.error(context, error);
}

/** Adds one line to the diagnostics list. */
export function diagnostic(name: string, value: unknown): void {
  const dl = $('#diag');
  const dt = document.createElement('dt');
  dt.textContent = name;
  const dd = document.createElement('dd');
  dd.textContent = typeof value === 'string' ? value : JSON.stringify(value);
  dd.dataset['name'] = name;
  dl.append(dt, dd);
}

// The operator's backend endpoint: a same-origin POST, answered with { token, expiresAt, role }.
let tokenRole = '';
const auth = embedToken({
  fetchToken: async (signal) => {
    const res = await fetch('./pitboss-token', { method: 'POST', ...(signal ? { signal } : {}) });
    const body = (await res.json().catch(() => ({}))) as { token?: string; expiresAt?: string; role?: string; detail?: string };
    if (!res.ok || !body.token || !body.expiresAt) throw new Error(`the token endpoint answered ${res.status}: ${body.detail ?? 'no token'}`);
    tokenRole = body.role ?? '';
    return { token: body.token, expiresAt: body.expiresAt };
  },
});

/** The API client every panel shares: same origin, embed token refreshed before expiry. */
export const client = new PitbossClient({ baseUrl: location.origin, auth });

const money = (key: string, label: string): PbColumn<PlayerRow> => ({ key, label, format: 'money', width: 130, value: (r) => r.features[key] ?? null });
const columns: PbColumn<PlayerRow>[] = [
  { key: 'player_id', label: 'Player', width: 140 },
  { key: 'country', label: 'Country', width: 80 },
  { key: 'status', label: 'Status', width: 110, sortable: false, value: (r) => (r.blocked ? 'blocked' : r.self_excluded_until ? 'self-excluded' : 'active') },
  money('net_loss_30d', 'Net loss 30d'),
  money('deposit_sum_30d', 'Deposits 30d'),
  { key: 'active_days_30d', label: 'Active days', format: 'number', width: 100, value: (r) => r.features['active_days_30d'] ?? null },
  { key: 'last_event_at', label: 'Last activity', format: 'datetime', width: 170 },
];

/** A titled panel appended to `container` (`#side` or `#bottom`). */
export function panel(container: string, id: string, title: string): HTMLElement {
  const section = document.createElement('section');
  section.className = 'panel';
  section.id = id;
  section.setAttribute('aria-labelledby', `${id}-title`);
  const h2 = document.createElement('h2');
  h2.id = `${id}-title`;
  h2.textContent = title;
  section.append(h2);
  $(container).append(section);
  return section;
}

/**
 * The segment builder, counting live through `POST /v1/segments/preview`
 * (debounced; a stale count is aborted). Starts from "active on at least 2
 * of the last 30 days".
 */
function segmentPanel(): void {
  defineSegmentBuilder();
  const section = panel('#side', 'segment', 'Segment builder');
  const builder = document.createElement('pb-segment-builder');
  builder.label = 'Players';
  builder.segment = { all: [{ field: 'active_days_30d', op: 'gte', value: 2 }] };
  builder.counter = apiSegmentCounter(client);
  section.append(builder);
}

/** An example query over the three local tables. */
export const EXAMPLE_SQL = `SELECT p.country,
       count(*) AS players,
       round(avg(p.risk_score), 1) AS avg_risk_score,
       sum(f.deposit_count_30d) AS deposits_30d
FROM players p JOIN features f USING (player_id)
GROUP BY p.country
ORDER BY players DESC`;

/**
 * The SQL console over the exports loaded into DuckDB-WASM (`localData`):
 * queries run in a worker in this tab, never against the production
 * database. Its load control can re-download an export.
 */
function sqlPanel(local: Promise<LocalAnalytics>): void {
  defineSqlConsole();
  const section = panel('#bottom', 'sql', 'SQL over exported data (DuckDB-WASM in this tab)');
  const sql = document.createElement('pb-sql-console');
  sql.storageKey = 'demo';
  sql.client = client;
  sql.value = EXAMPLE_SQL;
  // The console opens its engine on the first run: hand it the one already holding the exports.
  sql.openEngine = () => local;
  section.append(sql);
}

/**
 * The player card (profile, figures, risk gauge with the score's reasons,
 * timeline, notes), opened on the player whose row was activated (double
 * click or Enter in the table). Hidden until then.
 */
function cardPanel(table: PbPlayerTable<PlayerRow>): void {
  definePlayerCard();
  const section = panel('#side', 'player', 'Player card');
  section.hidden = true;
  const card = document.createElement('pb-player-card');
  card.client = client;
  card.addEventListener('pb-load-error', (e) => showError('The player could not be loaded', e.detail.error));
  section.append(card);
  table.addEventListener('pb-row-activate', (e) => {
    const id = (e.detail.row as PlayerRow).player_id;
    card.playerId = id;
    section.hidden = false;
    section.scrollIntoView({ block: 'nearest' });
  });
}

async function start(): Promise<void> {
  definePlayerTable();
  diagnostic('crossOriginIsolated', String(globalThis.crossOriginIsolated === true));
  diagnostic('hardwareConcurrency', String(navigator.hardwareConcurrency));

  try {
    await auth.token();
    $('#session').textContent = `Signed in with an embed token (role ${tokenRole}) for ${location.origin}; the API key stays on the server`;
  } catch (error) {
    $('#session').textContent = 'Not connected';
    showError('Could not get an embed token', error);
    return;
  }

  const live = client.live();
  const liveText = $('#live');
  let received = 0;
  live.onState((state) => {
    liveText.textContent = `live: ${state}${received ? ` · ${received} updates` : ''}`;
    liveText.dataset['state'] = state;
  });
  live.onError((error) => showError('Live updates stopped', error));
  live.subscribe((m: LiveMessage) => {
    if (m.event !== 'event' && m.event !== 'score') return;
    received++;
    liveText.textContent = `live: ${live.state} · ${received} updates · last: ${m.data.player_id}`;
    liveText.dataset['received'] = String(received);
  });

  const table = $<PbPlayerTable<PlayerRow>>('#players');
  table.columns = columns;
  table.sort = [{ key: 'net_loss_30d', direction: 'desc' }];
  table.dataSource = new RemotePlayerDataSource(client, { live });
  table.addEventListener('pb-load-error', (e) => showError('Players could not be loaded', e.detail.error));

  cardPanel(table);
  segmentPanel();
  void scorerDiagnostics();
  localData = openLocalData();
  localData.catch((error: unknown) => showError('Local analytics could not start', error));
  sqlPanel(localData);
}

/**
 * The analyst's local copy: the players, features and events exports (Arrow
 * IPC from `GET /v1/export/*`) loaded into DuckDB-WASM in a worker. SQL runs
 * there, never against the production database.
 */
export let localData: Promise<LocalAnalytics> | undefined;

async function openLocalData(): Promise<LocalAnalytics> {
  const local = await LocalAnalytics.open({ client, duckdb: { assets: assets.duckdb } });
  const d = await local.db.diagnostics();
  diagnostic('DuckDB-WASM', `${d.libraryVersion} · bundle ${d.bundle} · ${d.threads} thread${d.threads === 1 ? '' : 's'}${d.threadsOffReason ? ` (${d.threadsOffReason})` : ''}`);
  const counts: string[] = [];
  for (const table of ['players', 'features', 'events'] as const) counts.push(`${table} ${await local.loadExport(table)}`);
  diagnostic('Local tables', counts.join(' · '));
  return local;
}

/** onnxruntime-web's thread plan: more than one thread only on a cross-origin isolated page. */
async function scorerDiagnostics(): Promise<void> {
  try {
    const scorer = await openScorer({ assets: assets.scoring, maxThreads: 4 });
    const d = await scorer.diagnostics();
    diagnostic('onnxruntime-web threads', `${d.threads}${d.threadsOffReason ? ` (${d.threadsOffReason})` : ''}`);
    diagnostic('WebGPU', d.webgpu.found ? d.webgpu.adapter ?? 'found' : `none (${d.webgpu.reason ?? 'no adapter'})`);
    await scorer.close();
  } catch (error) {
    diagnostic('onnxruntime-web', `failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

void start();
