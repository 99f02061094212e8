/** Base64 of a byte view, without copying it first (a zero-copy user record's view included). */
export function toBase64(view: Uint8Array): string {
  // Deaggregated views of Lambda data are Buffers already: no wrapper to allocate per record.
  const buffer = Buffer.isBuffer(view)
    ? view
    : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  return buffer.toString('base64');
}
