import {
  deaggregateBytes,
  isAggregated,
  KPL_MAGIC,
  type KplDecodeErrorReason,
} from '@kpl-lambda/core';
import { type InputRecord, recordsOfInput } from './inputRecords.js';
import { readInput, writeLine } from './io.js';
import { type DataFormat, showData, table } from './render.js';
import type { CliIo } from './types.js';

/** What a parent turned out to be. */
export interface InspectedParent {
  type: 'parent';
  index: number;
  sequenceNumber: string | null;
  partitionKey: string | null;
  bytes: number;
  /** An aggregate, a plain record, or an aggregate whose body does not decode. */
  kind: 'aggregate' | 'plain' | 'corrupt';
  /** `mismatch`: the magic bytes but not the digest, so a plain record, as the KCL reads it. */
  digest: 'valid' | 'mismatch' | 'none';
  userRecords: number;
  corruptReason?: KplDecodeErrorReason;
  corruptMessage?: string;
}

/** One user record of a parent. */
export interface InspectedUserRecord {
  type: 'userRecord';
  parent: number;
  sequenceNumber: string | null;
  subSequenceNumber: number;
  /** Null for a plain record written without one to a service-managed stream. */
  partitionKey: string | null;
  explicitHashKey: string | null;
  bytes: number;
  format: Exclude<DataFormat, 'auto'>;
  data: string;
}

/**
 * `kpl inspect [FILE|-]`: every parent of a Lambda event, a GetRecords output, base64 text or
 * raw bytes, and its user records. Exit code 1 when a parent is a corrupt aggregate.
 */
export async function inspect(
  file: string | undefined,
  options: { json: boolean; data: DataFormat },
  io: CliIo,
): Promise<number> {
  const parents = recordsOfInput(await readInput(file, io));
  let corrupt = 0;
  for (const [index, parent] of parents.entries()) {
    // Stopped, or nobody reads any more (`kpl inspect | head -1`).
    if (io.signal?.aborted === true) return 130;
    const { summary, userRecords } = inspectParent(index, parent, options.data);
    if (summary.kind === 'corrupt') corrupt++;
    if (options.json) {
      await writeLine(io.stdout, JSON.stringify(summary));
      for (const userRecord of userRecords) await writeLine(io.stdout, JSON.stringify(userRecord));
      continue;
    }
    await writeLine(io.stdout, describeParent(summary));
    const rows = userRecords.map((record) => [
      String(record.subSequenceNumber),
      record.partitionKey ?? '',
      record.explicitHashKey ?? '',
      String(record.bytes),
      `${record.format} ${record.data}`,
    ]);
    const width = io.stdout.isTTY ? (process.stdout.columns ?? 120) : undefined;
    for (const line of table(
      ['  sub', 'partition key', 'explicit hash key', 'bytes', 'data'],
      rows.map((row) => [`  ${row[0]}`, ...row.slice(1)]),
      width,
    )) {
      await writeLine(io.stdout, line);
    }
  }
  return corrupt === 0 ? 0 : 1;
}

function inspectParent(
  index: number,
  parent: InputRecord,
  format: DataFormat,
): { summary: InspectedParent; userRecords: InspectedUserRecord[] } {
  const { data } = parent;
  const hasMagic = KPL_MAGIC.every((byte, i) => data[i] === byte);
  const digest = !hasMagic ? 'none' : isAggregated(data) ? 'valid' : 'mismatch';
  const decoded = deaggregateBytes(data, {
    partitionKey: parent.partitionKey,
    ...(parent.sequenceNumber === undefined ? {} : { sequenceNumber: parent.sequenceNumber }),
  });
  const failure = decoded[0]?.deaggregationError;
  const summary: InspectedParent = {
    type: 'parent',
    index,
    sequenceNumber: parent.sequenceNumber ?? null,
    partitionKey: parent.partitionKey ?? null,
    bytes: data.length,
    kind: failure !== undefined ? 'corrupt' : decoded[0]?.aggregated ? 'aggregate' : 'plain',
    digest,
    userRecords: failure === undefined ? decoded.length : 0,
  };
  if (failure !== undefined) {
    summary.corruptReason = decoded[0]!.deaggregationErrorReason!;
    summary.corruptMessage = failure;
    return { summary, userRecords: [] };
  }
  const userRecords = decoded.map(
    (userRecord): InspectedUserRecord => ({
      type: 'userRecord',
      parent: index,
      sequenceNumber: parent.sequenceNumber ?? null,
      subSequenceNumber: userRecord.subSequenceNumber,
      partitionKey: userRecord.partitionKey ?? null,
      explicitHashKey: userRecord.explicitHashKey ?? null,
      bytes: userRecord.data.length,
      ...showData(userRecord.data, format),
    }),
  );
  return { summary, userRecords };
}

function describeParent(parent: InspectedParent): string {
  const what =
    parent.kind === 'aggregate'
      ? `aggregate of ${parent.userRecords} user record${parent.userRecords === 1 ? '' : 's'}, digest valid`
      : parent.kind === 'corrupt'
        ? `CORRUPT aggregate (${parent.corruptReason}): ${parent.corruptMessage}`
        : parent.digest === 'mismatch'
          ? 'plain record (KPL magic bytes, but the MD5 digest does not match)'
          : 'plain record';
  const keys = [
    parent.sequenceNumber === null ? undefined : `sequence number ${parent.sequenceNumber}`,
    parent.partitionKey === null ? undefined : `partition key ${parent.partitionKey}`,
  ].filter((part) => part !== undefined);
  return [`parent ${parent.index}`, ...keys, `${parent.bytes} bytes`, what].join(', ');
}
