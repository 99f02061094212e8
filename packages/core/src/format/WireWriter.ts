import { Buffer } from 'node:buffer';
import { allocateUnsafe } from './bytes.js';

/**
 * Writes the protobuf wire format into one buffer, for the aggregator: varints of values below
 * 2^32 (its tags, table indexes and lengths), bytes, and text whose UTF-8 size is known. Sizes
 * are counted before anything is written, so a caller reserves room once per message and each
 * write then runs without a check; a buffer made with its exact size is never grown.
 */
export class WireWriter {
  public bytes: Buffer;
  public pos = 0;

  public constructor(capacity = 0) {
    this.bytes = allocateUnsafe(capacity);
  }

  /** Room for `count` more bytes: a buffer twice as large, at least, when it is short. */
  public reserve(count: number): void {
    const needed = this.pos + count;
    if (needed > this.bytes.length) this.#grow(needed);
  }

  #grow(needed: number): void {
    const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.bytes.length));
    this.bytes.copy(grown, 0, 0, this.pos);
    this.bytes = grown;
  }

  public varint(value: number): void {
    this.pos = writeVarint(this.bytes, this.pos, value);
  }

  public raw(data: Uint8Array): void {
    this.bytes.set(data, this.pos);
    this.pos += data.length;
  }

  /**
   * Text that takes `byteLength` bytes in UTF-8. ASCII (a UTF-8 size equal to the length) is
   * written as latin1, which is the same bytes: V8 copies a one-byte string as it is, where UTF-8
   * would scan it for multi-byte characters.
   */
  public text(text: string, byteLength: number): void {
    this.bytes.write(text, this.pos, byteLength, byteLength === text.length ? 'latin1' : 'utf8');
    this.pos += byteLength;
  }
}

/** Writes a varint of a value below 2^32 at `pos`, which has room for it; returns the next position. */
export function writeVarint(bytes: Uint8Array, pos: number, value: number): number {
  while (value > 0x7f) {
    bytes[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  bytes[pos++] = value;
  return pos;
}
