import { describe, expect, it } from '@pitboss/test/harness';
import { TAGS, defineAll } from './index.js';

describe('defineAll', () => {
  it('registers every tag once and reports a second call as already defined', () => {
    const first = defineAll();
    expect(Object.keys(first).sort()).to.deep.equal([...TAGS].sort());
    for (const tag of TAGS) {
      expect(customElements.get(tag), tag).to.be.a('function');
      expect(first[tag]).to.be.oneOf(['defined', 'already-defined']);
    }
    const second = defineAll();
    for (const tag of TAGS) expect(second[tag], tag).to.equal('already-defined');
  });

  it('upgrades elements already in the page', async () => {
    defineAll();
    const host = document.createElement('div');
    host.innerHTML = TAGS.map((t) => `<${t}></${t}>`).join('');
    document.body.append(host);
    try {
      for (const tag of TAGS) {
        const el = host.querySelector(tag)!;
        expect(el).to.be.instanceOf(customElements.get(tag)!);
        await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
        expect(el.shadowRoot, tag).to.not.equal(null);
      }
    } finally {
      host.remove();
    }
  });
});
