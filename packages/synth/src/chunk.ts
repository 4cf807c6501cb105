/**
 * Lines encoded straight into one buffer: building a long string and
 * converting it on write cost a flatten and a second copy per chunk.
 */
export class Chunk {
  private buf: Buffer;
  length = 0;
  constructor(private readonly size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Appends `line` and a newline; returns false once the chunk is full and should be taken. */
  add(line: string): boolean {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    const worst = line.length * 3 + 1;
    if (this.length + worst > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + worst));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.length += this.buf.write(line, this.length, 'utf8');
    this.buf[this.length++] = 0x0a;
    return this.length < this.size;
  }

  /** The bytes so far; the chunk starts afresh (the sink keeps the old buffer until written). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.length);
    this.buf = Buffer.allocUnsafe(this.size);
    this.length = 0;
    return out;
  }
}
