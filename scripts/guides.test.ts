// The getting-started guides show real payloads: every event line in their
// NDJSON snippets passes core's parseEvent, every segment rule validates
// against the field registry, and the feature names they sort or query by are
// core features. A renamed field or a schema change then breaks this test
// instead of a reader's first request.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FEATURE_KEYS, FIELDS, parseEvent, registrySegmentFields, validateSegment } from '@pitboss/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string) => readFileSync(root + p, 'utf8');
const guides = ['docs/getting-started-developers.md', 'docs/getting-started-operators.md', 'docs/getting-started-analysts.md'];
const fields = registrySegmentFields(FIELDS);

describe('getting-started guides', () => {
  it('ingest snippets hold valid events', () => {
    const text = read('docs/getting-started-developers.md');
    const lines = text.split('\n').filter((l) => l.startsWith('{"schema_version"'));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      const parsed = parseEvent(JSON.parse(line), { now: Date.parse('2030-01-01T00:00:00Z') });
      expect(parsed.ok, `${line}\n${JSON.stringify(parsed)}`).toBe(true);
    }
  });

  it('segment rules validate against the field registry', () => {
    const text = read('docs/getting-started-developers.md');
    const body = /-d '(\{\s*"segment"[\s\S]*?\})'/.exec(text)?.[1];
    expect(body, 'the segment preview snippet').toBeTruthy();
    const { segment } = JSON.parse(body!) as { segment: unknown };
    const result = validateSegment(segment, fields);
    expect(result.ok, JSON.stringify(result)).toBe(true);
  });

  it('feature names used in the guides are core features', () => {
    const known = new Set<string>(FEATURE_KEYS);
    for (const guide of guides) {
      const used = new Set([...read(guide).matchAll(/\b([a-z]+(?:_[a-z0-9]+)*_(?:7d|30d|90d)|deposit_escalation|tenure_days|days_since_last_bet)\b/g)].map((m) => m[1]!));
      for (const name of used) expect(known.has(name), `${guide}: ${name} is not a core feature`).toBe(true);
    }
  });
});
