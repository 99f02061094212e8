// The real KPL 0.15.12 as a peer: user records it writes (explicit hash keys included, 4 shards so
// that it aggregates per shard) are read exactly by our deaggregation, Middy, Powertools and
// `kpl inspect`, and it keeps order per key less well than our producer. The other way round is
// test/producer-kcl3.test.ts. The KPL runs on loopback only (test/helpers/realKpl.ts). Needs Java 17
// and Maven, and a machine the KPL's native binary runs on; without them it is skipped, saying why.
import { PassThrough, Readable } from 'node:stream';
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { type InspectedParent, type InspectedUserRecord, main } from '@kpl-lambda/cli';
import {
  computeHashKey,
  deaggregateSdkRecords,
  type KinesisStreamUserEvent,
  type KinesisStreamUserRecord,
  userRecordData,
} from '@kpl-lambda/core';
import { KinesisEventSourceMapping } from '@kpl-lambda/local-event-source-mapping';
import kplDeagg from '@kpl-lambda/middy';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import {
  account,
  type DeliveredUserRecord,
  type InteropRecord,
  indexOf,
  interopRecords,
  outOfOrder,
  type ReadShard,
  readStream,
  writeWithOurProducer,
} from './helpers/interopRecords.js';
import { startStsStub, startTlsFront } from './helpers/loopbackEndpoints.js';
import { type KplResult, whyNoKpl, writeWithKpl } from './helpers/realKpl.js';

const USER_RECORDS = 5_000;
const SHARDS = 4;
const records = interopRecords(USER_RECORDS);
const quiet = { debug() {}, warn() {}, error() {} };

const noKpl = whyNoKpl();
if (noKpl !== undefined) console.warn(`${noKpl}: the real KPL interop tests are SKIPPED.`);

const kinesis = useLocalKinesis();
/** The same records written by our producer, read back. */
let ours: ReadShard[];
beforeAll(async () => {
  await kinesis().createStream('ours', SHARDS);
  ours = await writeWithOurProducer(kinesis().client, 'ours', records);
});

const hashKeyOf = (record: InteropRecord) =>
  BigInt(record.explicitHashKey ?? computeHashKey(record.partitionKey));

/** What deaggregateSdkRecords reads from each shard, in each shard's order. */
const deaggregated = (shards: readonly ReadShard[]) =>
  shards.map((shard) => ({ shard, userRecords: deaggregateSdkRecords(shard.records) }));

/** Records of a key delivered after a later record of it, each shard read in order. */
const outOfOrderIn = (shards: readonly ReadShard[]) =>
  outOfOrder(
    records,
    deaggregated(shards).flatMap(({ userRecords }) => userRecords.map((r) => indexOf(r.data))),
  );

/** Delivered user records of a Lambda event, as a Lambda consumer sees them. */
const fromLambda = (record: KinesisStreamUserRecord): DeliveredUserRecord => ({
  partitionKey: record.kinesis.partitionKey,
  explicitHashKey: record.kinesis.explicitHashKey,
  data: userRecordData(record),
  sequenceNumber: record.kinesis.sequenceNumber,
  subSequenceNumber: record.kinesis.subSequenceNumber,
  aggregated: record.kinesis.aggregated,
});

(noKpl === undefined ? describe : describe.skip)('the real KPL 0.15.12 as a peer', () => {
  let tls: Awaited<ReturnType<typeof startTlsFront>>;
  let sts: Awaited<ReturnType<typeof startStsStub>>;
  let results: KplResult[];
  let log: string;
  let shards: ReadShard[];

  beforeAll(async () => {
    await kinesis().createStream('kpl', SHARDS);
    [tls, sts] = await Promise.all([
      startTlsFront(Number(new URL(kinesis().endpoint).port)),
      startStsStub(),
    ]);
    ({ results, log } = await writeWithKpl(
      { streamName: 'kpl', kinesisPort: tls.port, stsPort: sts.port },
      records,
    ));
    shards = await readStream(kinesis().client, 'kpl');
  }, 200_000);
  afterAll(async () => {
    await Promise.all([tls?.stop(), sts?.stop()]);
  });

  /** Every delivered user record against the records put and the sequence numbers the KPL gave. */
  const expectEachOnce = (delivered: DeliveredUserRecord[]) => {
    const { missing, duplicated, unknown, subSequenceGaps, sequenceNumbers } = account(
      records,
      delivered,
    );
    expect({ missing, duplicated, unknown, subSequenceGaps }).toEqual({
      missing: [],
      duplicated: [],
      unknown: 0,
      subSequenceGaps: [],
    });
    const differentSequence = results.filter(
      (result, index) => result.ok && result.sequenceNumber !== sequenceNumbers[index],
    );
    expect(differentSequence).toEqual([]);
  };

  it('connects to loopback only: its binary names 127.0.0.1 for each service, and STS heard GetCallerIdentity alone', () => {
    // The binary's own lines: a Java class name in a stack trace is not a connection.
    const binaryLog = log.split('\n').filter((line) => line.includes('LogInputStreamReader'));
    expect(binaryLog.filter((line) => /metadata|169\.254|ec2|amazonaws\.com/i.test(line))).toEqual(
      [],
    );
    expect(binaryLog.join('\n')).toContain(
      "Region has been successfully set to us-east-1 from user's input configuration",
    );
    const endpoints = binaryLog.flatMap((line) =>
      [...line.matchAll(/Using ([\w ]+?) endpoint ?(\S*)/g)].map(
        (match) => `${match[1]} ${match[2]}`,
      ),
    );
    expect(endpoints.sort()).toEqual([
      `CloudWatch 127.0.0.1:${sts.port}`,
      `Kinesis 127.0.0.1:${tls.port}`,
      `STS 127.0.0.1:${sts.port}`,
    ]);
    expect(sts.requests.length).toBeGreaterThan(0);
    expect(sts.requests.filter((request) => request.action !== 'GetCallerIdentity')).toEqual([]);
  });

  it('writes every user record on the shard of its hash key, aggregating per shard', () => {
    expect(results.filter((result) => !result.ok)).toEqual([]);
    const byShard = new Map(shards.map((shard) => [shard.shardId, shard]));
    const offShard = records.filter((record, index) => {
      const shard = byShard.get((results[index] as { shardId: string }).shardId)!;
      const hashKey = hashKeyOf(record);
      return hashKey < shard.start || hashKey > shard.end;
    });
    expect(offShard).toEqual([]);
    for (const { shard, userRecords } of deaggregated(shards)) {
      // Aggregates on every shard, and plain records (the 60,000-byte record at least).
      expect({
        shard: shard.shardId,
        aggregated: userRecords.some((r) => r.subSequenceNumber > 0),
      }).toEqual({ shard: shard.shardId, aggregated: true });
    }
    const plain = deaggregated(shards).flatMap(({ userRecords }) =>
      userRecords.filter((record) => !record.aggregated),
    );
    expect(plain.map((record) => indexOf(record.data))).toContain(USER_RECORDS / 2);
  });

  it('is read by deaggregateSdkRecords: each user record once, byte for byte, keys and sequence numbers as the KPL reported, each on its shard', () => {
    const perShard = deaggregated(shards);
    expectEachOnce(perShard.flatMap(({ userRecords }) => userRecords));
    const offShard = perShard.flatMap(({ shard, userRecords }) =>
      userRecords
        .map((userRecord) => records[indexOf(userRecord.data)]!)
        .filter((record) => hashKeyOf(record) < shard.start || hashKeyOf(record) > shard.end),
    );
    expect(offShard).toEqual([]);
  });

  it('is read by kplDeagg (Middy) through the local event source mapping, each user record once', async () => {
    const delivered: DeliveredUserRecord[] = [];
    const handler = middy<KinesisStreamEvent>()
      .use(kplDeagg({ logger: quiet }))
      .handler(async (event) => {
        delivered.push(...(event as unknown as KinesisStreamUserEvent).Records.map(fromLambda));
      });
    await new KinesisEventSourceMapping({
      client: kinesis().client,
      streamName: 'kpl',
      handler: handler as never,
    }).drain();
    expectEachOnce(delivered);
  }, 60_000);

  it('is read by KplBatchProcessor (Powertools) through the local event source mapping, each user record once', async () => {
    const delivered: DeliveredUserRecord[] = [];
    const recordHandler = async (record: KinesisStreamUserRecord) => {
      delivered.push(fromLambda(record));
    };
    await new KinesisEventSourceMapping({
      client: kinesis().client,
      streamName: 'kpl',
      functionResponseTypes: ['ReportBatchItemFailures'],
      handler: (event: KinesisStreamEvent, context: Context) =>
        processPartialResponse(event, recordHandler, new KplBatchProcessor({ logger: quiet }), {
          context,
        }),
    }).drain();
    expectEachOnce(delivered);
  }, 60_000);

  it('is read by kpl inspect: each user record once, every parent an aggregate or plain, none corrupt', async () => {
    const input = JSON.stringify({
      Records: shards.flatMap((shard) =>
        shard.records.map((record) => ({
          Data: Buffer.from(record.Data!).toString('base64'),
          PartitionKey: record.PartitionKey,
          SequenceNumber: record.SequenceNumber,
        })),
      ),
    });
    const stdout = new PassThrough();
    const out: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => out.push(chunk));
    const code = await main(['inspect', '--json', '--data', 'base64'], {
      stdin: Readable.from([Buffer.from(input)]),
      stdout,
      stderr: new PassThrough(),
      env: {},
    });
    const lines = Buffer.concat(out)
      .toString('utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as InspectedParent | InspectedUserRecord);
    const parents = lines.filter((line): line is InspectedParent => line.type === 'parent');
    expect(code).toBe(0);
    expect(new Set(parents.map((parent) => parent.kind))).toEqual(new Set(['aggregate', 'plain']));
    const kindOf = new Map(parents.map((parent) => [parent.index, parent.kind]));
    expectEachOnce(
      lines
        .filter((line): line is InspectedUserRecord => line.type === 'userRecord')
        .map((line) => ({
          partitionKey: line.partitionKey,
          explicitHashKey: line.explicitHashKey ?? undefined,
          data: Buffer.from(line.data, 'base64'),
          sequenceNumber: line.sequenceNumber!,
          subSequenceNumber: line.subSequenceNumber,
          aggregated: kindOf.get(line.parent) === 'aggregate',
        })),
    );
  });

  it('counts the records of a key that arrive after a later one: ours none', () => {
    const late = outOfOrderIn(shards);
    console.info(
      `Out of order per partition key, of ${USER_RECORDS} user records: the KPL ${late}, ours ${outOfOrderIn(ours)}`,
    );
    expect(outOfOrderIn(ours)).toBe(0);
  });
});
