import type { Buffer } from 'node:buffer';

/**
 * The bytes behind each decoded record's payload, and the base64 `data` made of them: so that
 * `userRecordData` hands them over without a base64 round trip, unless `data` was replaced since.
 * A WeakMap, not a field: the payload keeps exactly the fields a handler or a schema expects.
 */
const decoded = new WeakMap<object, { bytes: Buffer; encoded: string }>();

export function rememberDecodedBytes(payload: object, bytes: Buffer, encoded: string): void {
  decoded.set(payload, { bytes, encoded });
}

export function decodedBytesOf(payload: { data: string }): Buffer | undefined {
  const entry = decoded.get(payload);
  // The same string as given compares as one pointer.
  return entry?.encoded === payload.data ? entry.bytes : undefined;
}
