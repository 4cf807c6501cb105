import { describe, expect, it } from '@pitboss/test/harness';
import { MAX_SCROLL_HEIGHT, ScrollScale } from './scroll-scale.js';

describe('ScrollScale', () => {
  it('is one to one below the maximum height', () => {
    const s = new ScrollScale(1000, 32, 320);
    expect(s.scaled).to.equal(false);
    expect(s.scrollHeight).to.equal(32_000);
    expect(s.toVirtual(640)).to.equal(640);
    expect(s.toScroll(640)).to.equal(640);
    expect(s.firstRow(650)).to.equal(20);
  });

  it('maps the ends of a scaled range exactly onto the first and the last row', () => {
    const s = new ScrollScale(10_000_000, 32, 568);
    expect(s.scaled).to.equal(true);
    expect(s.scrollHeight).to.equal(MAX_SCROLL_HEIGHT);
    expect(s.toVirtual(0)).to.equal(0);
    expect(s.toVirtual(s.maxScrollTop)).to.equal(s.maxVirtualTop);
    // At the bottom the last row's bottom edge is the viewport's bottom edge.
    expect(s.maxVirtualTop + s.viewport).to.equal(10_000_000 * 32);
    expect(s.firstRow(s.maxVirtualTop) + s.visibleRows).to.be.at.least(10_000_000);
    expect(s.ratio).to.be.closeTo(40, 0.01);
  });

  it('round-trips offsets and clamps out-of-range ones', () => {
    const s = new ScrollScale(10_000_000, 32, 568);
    for (const v of [0, 1, 12_345_678.5, s.maxVirtualTop]) expect(s.toVirtual(s.toScroll(v))).to.be.closeTo(v, 1e-6);
    expect(s.toVirtual(-50)).to.equal(0);
    expect(s.toVirtual(MAX_SCROLL_HEIGHT * 2)).to.equal(s.maxVirtualTop);
  });

  it('brings a row into view with start, end, center and nearest alignment', () => {
    const s = new ScrollScale(10_000_000, 32, 320);
    expect(s.offsetFor(100, 'start', 0)).to.equal(3200);
    expect(s.offsetFor(100, 'end', 0)).to.equal(3232 - 320);
    expect(s.offsetFor(100, 'center', 0)).to.equal(3200 - 144);
    expect(s.offsetFor(5, 'nearest', 0)).to.equal(0);
    expect(s.offsetFor(20, 'nearest', 0)).to.equal(672 - 320);
    expect(s.offsetFor(9_999_999, 'start', 0)).to.equal(s.maxVirtualTop);
  });
});
