/**
 * The few protobuf wire-format pieces an ONNX file needs (varint,
 * length-delimited, fixed32), written by hand: ~100 lines instead of a
 * protobuf runtime plus generated code in a package that also runs in
 * browsers. Proto2 repeated scalars are written unpacked (ONNX's own
 * serializer does the same).
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private rawVarint(value: bigint): void {
    // Negative int64 values are written as their 64-bit two's complement (10 bytes).
    let v = BigInt.asUintN(64, value);
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(BigInt((field << 3) | wire));
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.rawVarint(BigInt(value));
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(BigInt(data.length));
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const w = new ProtoWriter();
    build(w);
    return this.bytes(field, w.finish());
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, value, true);
    this.len += 4;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** One field as read from the wire: varints as bigint, length-delimited as bytes. */
export type ProtoField = { field: number; wire: 0; value: bigint } | { field: number; wire: 2; value: Uint8Array } | { field: number; wire: 1 | 5; value: Uint8Array };

export class ProtoDecodeError extends Error {
  override readonly name = 'ProtoDecodeError';
}

/**
 * Reads the top-level fields of a message.
 *
 * @example
 * for (const f of readFields(bytes)) if (f.field === 14 && f.wire === 2) console.log(f.value.length);
 */
export function readFields(data: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= data.length) throw new ProtoDecodeError(`truncated varint at byte ${pos}`);
      const b = data[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
      if (shift > 63n) throw new ProtoDecodeError(`varint too long at byte ${pos}`);
    }
  };
  while (pos < data.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 2 || wire === 1 || wire === 5) {
      const n = wire === 2 ? Number(varint()) : wire === 1 ? 8 : 4;
      if (pos + n > data.length) throw new ProtoDecodeError(`field ${field} overruns the message`);
      out.push({ field, wire, value: data.subarray(pos, pos + n) } as ProtoField);
      pos += n;
    } else throw new ProtoDecodeError(`unsupported wire type ${wire} (field ${field})`);
  }
  return out;
}

/** UTF-8 text of a length-delimited field. */
export const utf8 = (bytes: Uint8Array): string => decoder.decode(bytes);
