/**
 * A small Prometheus registry: counters, histograms and gauges read at scrape
 * time, rendered in the text exposition format 0.0.4. Small on purpose: the
 * hot path is one map lookup and a few additions per request.
 */

type Labels = Record<string, string>;

const labelKey = (labels: Labels) => JSON.stringify(labels);

function renderLabels(labels: Labels, extra?: Labels): string {
  const all = { ...labels, ...extra };
  const parts = Object.entries(all).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** A monotonically increasing count per label set. */
export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    const slot = this.values.get(key);
    if (slot) slot.value += by;
    else this.values.set(key, { labels, value: by });
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${renderLabels(labels)} ${value}`);
    return lines.join('\n');
  }
}

/** Cumulative-bucket histogram per label set. */
export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket${renderLabels(s.labels, { le: String(b) })} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${renderLabels(s.labels, { le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${renderLabels(s.labels)} ${s.sum}`);
      lines.push(`${this.name}_count${renderLabels(s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/** A gauge whose samples are read when `/metrics` is scraped. */
export interface GaugeSource {
  name: string;
  help: string;
  collect(): { labels: Labels; value: number }[];
}

function renderGauge(g: GaugeSource): string {
  const lines = [`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`];
  for (const { labels, value } of g.collect()) lines.push(`${g.name}${renderLabels(labels)} ${value}`);
  return lines.join('\n');
}

/** The API's metrics. */
export interface Metrics {
  requests: Counter;
  latency: Histogram;
  ingestLines: Counter;
  addGauge(source: GaugeSource): void;
  /** Prometheus text exposition. */
  render(): string;
}

/**
 * Creates the API's metric registry.
 *
 * @example
 * const metrics = createMetrics();
 * metrics.ingestLines.inc({ outcome: 'accepted' }, 10);
 * metrics.render(); // '# HELP pitboss_ingest_lines_total ...'
 */
export function createMetrics(): Metrics {
  const requests = new Counter('pitboss_http_requests_total', 'HTTP requests by method, route and status.');
  const latency = new Histogram(
    'pitboss_http_request_duration_seconds',
    'HTTP request latency by method and route.',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  const ingestLines = new Counter('pitboss_ingest_lines_total', 'Ingested event lines by outcome (accepted, duplicate, rejected, retryable).');
  for (const outcome of ['accepted', 'duplicate', 'rejected', 'retryable']) ingestLines.inc({ outcome }, 0);
  const gauges: GaugeSource[] = [];
  return {
    requests,
    latency,
    ingestLines,
    addGauge: (g) => void gauges.push(g),
    render: () => [requests.render(), latency.render(), ingestLines.render(), ...gauges.map(renderGauge)].join('\n') + '\n',
  };
}
