import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVENT_EXAMPLES, EVENT_TYPES, FEATURES, parseEvent } from '@pitboss/core';
import { renderEventsDoc, renderFeaturesDoc } from './docs/render.js';

const DOCS: [string, () => string][] = [
  ['docs/features.md', renderFeaturesDoc],
  ['docs/events.md', renderEventsDoc],
];

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('generated docs', () => {
  for (const [path, render] of DOCS) {
    it(`${path} matches the definitions in core`, () => {
      const text = render();
      if (process.env.PITBOSS_UPDATE_DOCS === '1') writeFileSync(root + path, text);
      expect(readFileSync(root + path, 'utf8'), `${path} is stale: PITBOSS_UPDATE_DOCS=1 npx vitest run packages/core/test/docs.test.ts`).toBe(text);
    });
  }

  it('documents every feature with its definition and formula', () => {
    const text = renderFeaturesDoc();
    for (const f of FEATURES) {
      expect(text).toContain(`### ${f.key}\n\n${f.definition}`);
      expect(text).toContain(`Formula: \`${f.formula}\``);
    }
  });

  it('shows a valid example of every event type', () => {
    const text = renderEventsDoc();
    const blocks = [...text.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!) as unknown);
    expect(blocks).toHaveLength(EVENT_TYPES.length);
    for (const block of blocks) expect(parseEvent(block, { now: Date.parse('2030-01-01T00:00:00Z') }).ok).toBe(true);
    for (const type of EVENT_TYPES) expect(blocks).toContainEqual(EVENT_EXAMPLES[type]);
  });
});
