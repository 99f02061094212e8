import { KplDecodeError } from '../errors.js';
import type { KplDecodeErrorReason } from '../types.js';

/** The most bytes a varint may take; protobuf-java (the KCL) rejects longer ones. */
const MAX_VARINT_BYTES = 10;
/** Lengths are int32 in protobuf-java: a length of 2^31 or more is negative there. */
const MAX_LENGTH = 2 ** 31;
/** protobuf-java's limit on nested groups. */
const MAX_GROUP_DEPTH = 100;

/**
 * Reads the protobuf wire format as protobuf-java, and so the KCL, reads it: varints of up to 10
 * bytes, padded or not (an 11th byte is malformed), lengths within the message, groups skipped.
 * protobufjs's `Reader` cannot stand in: it reads a length or index varint of 6 to 9 bytes wrong
 * (it skips 5 bytes after the fifth whatever they hold) and skips varints of any length.
 * Every failure is a {@link KplDecodeError} with the reason the reader itself knows.
 */
export class WireReader {
  public pos: number;
  public readonly end: number;
  readonly #bytes: Buffer;

  /** Reads `bytes` from `start` to `end` (a message inside a larger buffer is read in place). */
  public constructor(bytes: Buffer, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  /**
   * A varint as a number: exact below 2^53, which every table index and length that can be valid
   * is; larger values only need to be recognised as too large.
   */
  public varint(): number {
    const bytes = this.#bytes;
    if (this.pos < this.end && bytes[this.pos]! < 0x80) return bytes[this.pos++]!;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.end) throw decodeFailure('TRUNCATED', 'a varint runs past the end');
      const byte = bytes[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw decodeFailure('MALFORMED_VARINT', `a varint longer than ${MAX_VARINT_BYTES} bytes`);
  }

  /**
   * A field's tag as protobuf-java reads it: a varint of up to 10 bytes of which only the low 32
   * bits count (`readRawVarint32`), so that a tag padded with higher bits is the same tag.
   */
  public tag(): number {
    const bytes = this.#bytes;
    if (this.pos < this.end && bytes[this.pos]! < 0x80) return bytes[this.pos++]!;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.end) throw decodeFailure('TRUNCATED', 'a tag runs past the end');
      const byte = bytes[this.pos++]!;
      // Five bytes hold bits 0 to 34: exact in a number, and all that the low 32 bits need.
      if (i < 5) value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value % 2 ** 32;
      scale *= 128;
    }
    throw decodeFailure('MALFORMED_VARINT', `a tag longer than ${MAX_VARINT_BYTES} bytes`);
  }

  /** A length prefix, checked against what is left of `within` (the end of the enclosing message). */
  public length(within = this.end): number {
    const length = this.varint();
    if (length >= MAX_LENGTH) {
      throw decodeFailure('MALFORMED_VARINT', `a length of ${length} (2^31 or more)`);
    }
    if (this.pos + length > within) {
      throw decodeFailure('TRUNCATED', `a length of ${length} runs past the end`);
    }
    return length;
  }

  /** A length-delimited field's bytes: where they start; they end at `pos`. No view is made. */
  public span(within = this.end): number {
    const length = this.length(within);
    const start = this.pos;
    this.pos += length;
    return start;
  }

  /** A length-delimited field as UTF-8 text; invalid sequences become U+FFFD, as in protobuf-java. */
  public string(): string {
    const length = this.length();
    const start = this.pos;
    this.pos += length;
    return this.#bytes.toString('utf8', start, this.pos);
  }

  /** Skips a field of an unknown number, whatever its wire type. */
  public skipField(tag: number, within = this.end, depth = 0): void {
    const wireType = tag % 8;
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.#skipBytes(8, within);
    else if (wireType === 2) this.span(within);
    else if (wireType === 5) this.#skipBytes(4, within);
    else if (wireType === 3) this.#skipGroup(fieldNumber(tag), within, depth);
    else throw decodeFailure('MALFORMED_FIELD', `wire type ${wireType} where a field starts`);
    if (this.pos > within) throw decodeFailure('TRUNCATED', 'a field runs past the end');
  }

  #skipBytes(count: number, within: number): void {
    if (this.pos + count > within) throw decodeFailure('TRUNCATED', 'a field runs past the end');
    this.pos += count;
  }

  #skipGroup(number: number, within: number, depth: number): void {
    if (depth >= MAX_GROUP_DEPTH) throw decodeFailure('MALFORMED_FIELD', 'groups nested too deep');
    for (;;) {
      if (this.pos >= within) throw decodeFailure('TRUNCATED', 'a group has no end');
      const tag = this.tag();
      if (tag % 8 === 4) {
        if (fieldNumber(tag) !== number) {
          throw decodeFailure(
            'MALFORMED_FIELD',
            `group ${number} closed by field ${fieldNumber(tag)}`,
          );
        }
        return;
      }
      this.skipField(tag, within, depth + 1);
    }
  }
}

/** The field number of a tag as {@link WireReader.tag} reads it (its low 32 bits). */
export function fieldNumber(tag: number): number {
  return Math.floor(tag / 8);
}

/** A decoding failure; the decoder adds the parent's sequence number to the message. */
export function decodeFailure(reason: KplDecodeErrorReason, detail: string): KplDecodeError {
  return new KplDecodeError(detail, { reason });
}
