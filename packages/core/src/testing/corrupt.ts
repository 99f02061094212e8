import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { MAGIC_BYTES } from '../constants.js';
import { PARTITION_KEY_TABLE_TAG } from '../format/wireFormat.js';

/** Magic, a body whose one field claims 5 bytes and holds 1, and the body's true MD5. */
export function corruptAggregateBytes(): Buffer {
  const body = Buffer.from([PARTITION_KEY_TABLE_TAG, 0x05, 0x61]);
  return Buffer.concat([Buffer.from(MAGIC_BYTES), body, createHash('md5').update(body).digest()]);
}
