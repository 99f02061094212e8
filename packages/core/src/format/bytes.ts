import { Buffer } from 'node:buffer';

/** The same bytes as a `Buffer`, without a copy: a `Buffer` is handed back as it is. */
export function asBuffer(view: Uint8Array): Buffer {
  return Buffer.isBuffer(view) ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** Base64 of a byte view, without copying it first (a zero-copy user record's view included). */
export function toBase64(view: Uint8Array): string {
  return asBuffer(view).toString('base64');
}
