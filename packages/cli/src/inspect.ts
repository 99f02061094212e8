import {
  deaggregateBytes,
  isAggregated,
  KPL_MAGIC,
  type KplDecodeErrorReason,
  type PayloadDecoder,
  ShardMap,
} from '@kpl-lambda/core';
import { kinesisClientFor } from './awsClients.js';
import { type DecodedFields, decodedRows } from './decodedRows.js';
import type { ConnectionOptions } from './endpoints.js';
import { KplCliUsageError } from './errors.js';
import { type InputRecord, recordsOfInput } from './inputRecords.js';
import { readInput, writeLine } from './io.js';
import { type DataFormat, oneLine, showData, table } from './render.js';
import { listShards, recordsOfStream, shardMapOfFile } from './shards.js';
import type { CliIo } from './types.js';

/** What a parent turned out to be. */
export interface InspectedParent {
  type: 'parent';
  index: number;
  /** The shard it was read from, when known (`--stream`, a Lambda record's `eventID`, `--shard`). */
  shardId: string | null;
  sequenceNumber: string | null;
  partitionKey: string | null;
  bytes: number;
  /** An aggregate, a plain record, or an aggregate whose body does not decode. */
  kind: 'aggregate' | 'plain' | 'corrupt';
  /** `mismatch`: the magic bytes but not the digest, so a plain record, as the KCL reads it. */
  digest: 'valid' | 'mismatch' | 'none';
  userRecords: number;
  /**
   * With a shard map, of an aggregate: how many of its user records hash outside its shard (a
   * KCL consumer drops the whole aggregate when one does). Null when not checked.
   */
  outsideShard: number | null;
  corruptReason?: KplDecodeErrorReason;
  corruptMessage?: string;
  /** With `--decode`: the records its user records' data decoded to. */
  decodedRecords?: number;
  /** With `--decode`: its user records whose data does not decode. */
  decodeFailures?: number;
}

/**
 * One user record of a parent; with `--decode`, one record its data decoded to (or the user
 * record, when it does not decode).
 */
export interface InspectedUserRecord extends Partial<DecodedFields> {
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
  /** With a shard map, in an aggregate: whether it hashes outside its parent's shard; else null. */
  outsideShard: boolean | null;
}

/** Options of `kpl inspect`. */
export interface InspectOptions extends ConnectionOptions {
  json: boolean;
  data: DataFormat;
  /** Read this stream, every shard from its trim horizon, checked against its shard map. */
  stream: string | undefined;
  /** With `stream`, the one shard to read; with a FILE, the shard its records were read from. */
  shard: string | undefined;
  /** A file of the stream's shards (a ListShards output): the map a FILE is checked against. */
  shards: string | undefined;
  /** `--decode`: each user record's data decoded, as the adapters' `decode` option does. */
  decoder?: PayloadDecoder | undefined;
}

/**
 * `kpl inspect [FILE|-]`: every parent of a Lambda event, a GetRecords output, base64 text or
 * raw bytes, and its user records; `kpl inspect --stream NAME`: every record the stream holds.
 * With a shard map (the stream's own, or `--shards FILE`), the user records of an aggregate that
 * hash outside its shard are flagged. With `--decode`, each user record's data is decoded into its
 * records. Exit code 1 when a parent is a corrupt aggregate, an aggregate holds a user record
 * outside its shard, or a user record does not decode.
 */
export async function inspect(
  file: string | undefined,
  options: InspectOptions,
  io: CliIo,
): Promise<number> {
  if (options.stream === undefined) {
    const shards = options.shards === undefined ? undefined : await shardMapOfFile(options.shards);
    const parents = recordsOfInput(await readInput(file, io)).map((parent) => ({
      ...parent,
      shardId: parent.shardId ?? options.shard,
    }));
    return inspectParents(parents, shards, options, io);
  }
  if (file !== undefined || options.shards !== undefined) {
    throw new KplCliUsageError('--stream reads the stream and its own shards: no FILE or --shards');
  }
  const { client, close } = await kinesisClientFor(options, io);
  try {
    const listed = await listShards(client, options.stream);
    const records = recordsOfStream(client, options.stream, listed, options.shard, io.signal);
    return await inspectParents(records, new ShardMap(listed), options, io);
  } finally {
    close();
  }
}

async function inspectParents(
  parents: Iterable<InputRecord> | AsyncIterable<InputRecord>,
  shards: ShardMap | undefined,
  options: InspectOptions,
  io: CliIo,
): Promise<number> {
  let failed = 0;
  let index = 0;
  for await (const parent of parents) {
    if (io.signal?.aborted === true) break;
    const { summary, userRecords } = inspectParent(index++, parent, options, shards);
    if (
      summary.kind === 'corrupt' ||
      (summary.outsideShard ?? 0) > 0 ||
      (summary.decodeFailures ?? 0) > 0
    ) {
      failed++;
    }
    if (options.json) {
      await writeLine(io.stdout, JSON.stringify(summary));
      for (const userRecord of userRecords) await writeLine(io.stdout, JSON.stringify(userRecord));
      continue;
    }
    await writeLine(io.stdout, oneLine(describeParent(summary)));
    const decoding = options.decoder !== undefined;
    const rows = userRecords.map((record) => [
      `  ${record.subSequenceNumber}`,
      ...(decoding ? [String(record.innerIndex ?? '')] : []),
      record.partitionKey ?? '',
      record.explicitHashKey ?? '',
      String(record.bytes),
      ...(shards === undefined ? [] : [record.outsideShard ? 'OUTSIDE' : '']),
      record.decodeErrorReason === undefined
        ? `${record.format} ${record.data}`
        : `DOES NOT DECODE (${record.decodeErrorReason}): ${record.decodeError}`,
    ]);
    const header = ['  sub', ...(decoding ? ['inner'] : []), 'partition key', 'explicit hash key'];
    header.push('bytes');
    if (shards !== undefined) header.push('shard');
    const width = io.stdout.isTTY ? (io.stdout.columns ?? 120) : undefined;
    for (const line of table([...header, 'data'], rows, width)) await writeLine(io.stdout, line);
  }
  // Stopped, or nobody reads any more (`kpl inspect | head -1`): a stream's records end there too.
  if (io.signal?.aborted === true) return 130;
  return failed === 0 ? 0 : 1;
}

function inspectParent(
  index: number,
  parent: InputRecord,
  { data: format, decoder }: Pick<InspectOptions, 'data' | 'decoder'>,
  shards: ShardMap | undefined,
): { summary: InspectedParent; userRecords: InspectedUserRecord[] } {
  const { data } = parent;
  const shardId = parent.shardId ?? null;
  const hasMagic = KPL_MAGIC.every((byte, i) => data[i] === byte);
  const digest = !hasMagic ? 'none' : isAggregated(data) ? 'valid' : 'mismatch';
  const decoded = deaggregateBytes(data, {
    partitionKey: parent.partitionKey,
    ...(parent.sequenceNumber === undefined ? {} : { sequenceNumber: parent.sequenceNumber }),
  });
  const failure = decoded[0]?.deaggregationError;
  const aggregated = failure === undefined && decoded[0]?.aggregated === true;
  const summary: InspectedParent = {
    type: 'parent',
    index,
    shardId,
    sequenceNumber: parent.sequenceNumber ?? null,
    partitionKey: parent.partitionKey ?? null,
    bytes: data.length,
    kind: failure !== undefined ? 'corrupt' : aggregated ? 'aggregate' : 'plain',
    digest,
    userRecords: failure === undefined ? decoded.length : 0,
    outsideShard: null,
  };
  if (failure !== undefined) {
    summary.corruptReason = decoded[0]!.deaggregationErrorReason!;
    summary.corruptMessage = failure;
    return { summary, userRecords: [] };
  }
  // The KCL checks the user records of an aggregate against the shard it reads, never a plain
  // record: the service put that one where it is.
  const checked = aggregated && shards !== undefined;
  if (checked && shardId === null) {
    throw new KplCliUsageError(
      `Parent ${index} does not say which shard it was read from: give --shard ID`,
    );
  }
  let outsideShard = 0;
  const userRecords = decoded.flatMap((userRecord): InspectedUserRecord[] => {
    const outside = checked ? shards.holds(shardId!, userRecord as { partitionKey: string }) : null;
    if (outside === undefined) {
      throw new KplCliUsageError(`Shard ${shardId} is not in the shard map given`);
    }
    if (outside === false) outsideShard++;
    const identity = {
      type: 'userRecord' as const,
      parent: index,
      sequenceNumber: parent.sequenceNumber ?? null,
      subSequenceNumber: userRecord.subSequenceNumber,
      partitionKey: userRecord.partitionKey ?? null,
      explicitHashKey: userRecord.explicitHashKey ?? null,
      outsideShard: outside === null ? null : !outside,
    };
    if (decoder === undefined) {
      return [{ ...identity, bytes: userRecord.data.length, ...showData(userRecord.data, format) }];
    }
    return decodedRows(identity, userRecord.data, decoder, format, {
      ...(parent.sequenceNumber === undefined ? {} : { sequenceNumber: parent.sequenceNumber }),
      subSequenceNumber: userRecord.subSequenceNumber,
    });
  });
  if (checked) summary.outsideShard = outsideShard;
  if (decoder !== undefined) {
    summary.decodeFailures = userRecords.filter(
      (record) => record.decodeError !== undefined,
    ).length;
    summary.decodedRecords = userRecords.length - summary.decodeFailures;
  }
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
  const decoded =
    parent.decodedRecords === undefined
      ? undefined
      : `${parent.decodedRecords} decoded record${parent.decodedRecords === 1 ? '' : 's'}${
          parent.decodeFailures ? `, ${parent.decodeFailures} user record(s) DO NOT DECODE` : ''
        }`;
  const outside =
    (parent.outsideShard ?? 0) > 0
      ? `${parent.outsideShard} OUTSIDE shard ${parent.shardId}: a KCL consumer drops this aggregate whole`
      : undefined;
  const keys = [
    // The shard matters where it was checked against.
    parent.outsideShard === null ? undefined : parent.shardId,
    parent.sequenceNumber === null ? undefined : `sequence number ${parent.sequenceNumber}`,
    parent.partitionKey === null ? undefined : `partition key ${parent.partitionKey}`,
  ].filter((part) => part !== undefined);
  return [`parent ${parent.index}`, ...keys, `${parent.bytes} bytes`, what, decoded, outside]
    .filter((part) => part !== undefined)
    .join(', ');
}
