/**
 * Browsers stop laying out elements past ~33.5M px, and scroll offsets lose
 * precision well before that; @lit-labs/virtualizer caps itself at 8.2M px.
 * Above this height the table's scroll range is compressed (see `ScrollScale`).
 */
export const MAX_SCROLL_HEIGHT = 8_000_000;

/**
 * Maps between the native scroll offset of the table's scroller and the
 * *virtual* offset of a list of fixed-height rows. Below `maxHeight` the two
 * are equal. Above it, the scroller is given `maxHeight` px and its offset is
 * mapped linearly onto the virtual range, so scrolling to the top shows row 0
 * exactly and scrolling to the bottom shows the last row exactly at the
 * bottom edge; in between, one native pixel is `ratio` virtual pixels.
 */
export class ScrollScale {
  constructor(
    readonly count: number,
    readonly rowHeight: number,
    /** Height of the part of the scroller that shows rows (under the sticky header). */
    readonly viewport: number,
    readonly maxHeight: number = MAX_SCROLL_HEIGHT,
  ) {}

  /** Height the rows would take at one native pixel per virtual pixel. */
  get virtualHeight(): number {
    return this.count * this.rowHeight;
  }

  /** Height given to the scroller's spacer. */
  get scrollHeight(): number {
    return Math.min(this.virtualHeight, this.maxHeight);
  }

  get scaled(): boolean {
    return this.virtualHeight > this.maxHeight;
  }

  /** Largest virtual offset: the last row's bottom at the viewport's bottom. */
  get maxVirtualTop(): number {
    return Math.max(0, this.virtualHeight - this.viewport);
  }

  get maxScrollTop(): number {
    return Math.max(0, this.scrollHeight - this.viewport);
  }

  /** Virtual pixels per native pixel (1 when not scaled). */
  get ratio(): number {
    return this.scaled && this.maxScrollTop > 0 ? this.maxVirtualTop / this.maxScrollTop : 1;
  }

  toVirtual(scrollTop: number): number {
    return this.clamp(this.scaled ? scrollTop * this.ratio : scrollTop);
  }

  toScroll(virtualTop: number): number {
    const v = this.clamp(virtualTop);
    return this.scaled ? v / this.ratio : v;
  }

  clamp(virtualTop: number): number {
    return Math.min(Math.max(0, virtualTop), this.maxVirtualTop);
  }

  /** First row at least partly visible at `virtualTop`. */
  firstRow(virtualTop: number): number {
    return Math.min(Math.max(0, this.count - 1), Math.floor(this.clamp(virtualTop) / this.rowHeight));
  }

  /** Number of rows that fit the viewport, rounded up, plus one for a partly shown row. */
  get visibleRows(): number {
    return Math.ceil(this.viewport / this.rowHeight) + 1;
  }

  /** Virtual offset that brings `index` into view with the given alignment. */
  offsetFor(index: number, align: 'start' | 'center' | 'end' | 'nearest', currentTop: number): number {
    const top = index * this.rowHeight;
    const bottom = top + this.rowHeight;
    switch (align) {
      case 'start':
        return this.clamp(top);
      case 'end':
        return this.clamp(bottom - this.viewport);
      case 'center':
        return this.clamp(top - (this.viewport - this.rowHeight) / 2);
      case 'nearest':
        if (top < currentTop) return this.clamp(top);
        if (bottom > currentTop + this.viewport) return this.clamp(bottom - this.viewport);
        return this.clamp(currentTop);
    }
  }
}
