import { Buffer } from 'node:buffer';
/** Base64 of a byte view, without copying it first (a zero-copy user record's view included). */
export function toBase64(view: Uint8Array): string {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
}
