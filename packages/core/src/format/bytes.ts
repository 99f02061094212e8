import { Buffer } from 'node:buffer';

/** The same bytes as a `Buffer`, without a copy: a `Buffer` is handed back as it is. */
export function asBuffer(view: Uint8Array): Buffer {
  return Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** Base64 of a byte view, without copying it first (a zero-copy user record's view included). */
export function toBase64(view: Uint8Array): string {
  return asBuffer(view).toString('base64');
}

/** Buffers {@link allocateUnsafe} carves from a slab: from a sixteenth of one to a quarter. */
const SLAB_BYTES = 256 * 1024;
const SLAB_PIECE_MIN_BYTES = SLAB_BYTES / 16;
const SLAB_PIECE_MAX_BYTES = SLAB_BYTES / 4;
let slab = Buffer.allocUnsafeSlow(0);
let slabPos = 0;

/**
 * `Buffer.allocUnsafe`, with buffers of 16 to 64 KiB carved from a shared 256 KiB slab, as Node
 * carves its own under 4 KiB: each new `ArrayBuffer` costs an allocation of its own and its
 * accounting as external memory, which for a producer's 50 KB aggregates weighed more than the
 * copy of their data (`npm run bench`). A piece keeps its whole slab alive: bounding its size from
 * below bounds what one aggregate held long (in a throttled shard's queue) can keep, to 16 times
 * its size; smaller buffers come from Node as before.
 */
export function allocateUnsafe(size: number): Buffer {
  if (size < SLAB_PIECE_MIN_BYTES || size > SLAB_PIECE_MAX_BYTES) return Buffer.allocUnsafe(size);
  if (slabPos + size > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabPos = 0;
  }
  const piece = slab.subarray(slabPos, slabPos + size);
  // Pieces start 8-byte aligned, as Node's pool aligns its own.
  slabPos += (size + 7) & ~7;
  return piece;
}
