// kpl inspect --stream, and kpl inspect --shards: user records of an aggregate that hash outside
// its shard are flagged (a KCL consumer drops such an aggregate whole), against a local Kinesis.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { type AggregatedRecord, aggregate } from '@kpl-lambda/core';
import { kinesisStreamEvent } from '@kpl-lambda/core/testing';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
import { mockClient } from 'aws-sdk-client-mock';
import { kpl } from './helpers/run.js';

const records = Array.from({ length: 40 }, (_, i) => ({
  partitionKey: `user-${i}`,
  data: JSON.stringify({ i }),
}));

const kinesis = useLocalKinesis();
let shardsFile: string;
beforeAll(() => {
  shardsFile = join(mkdtempSync(join(tmpdir(), 'kpl-shards-')), 'shards.json');
});

async function streamOfFourShards(name: string): Promise<Shard[]> {
  await kinesis().createStream(name, 4);
  const { Shards = [] } = await kinesis().client.send(new ListShardsCommand({ StreamName: name }));
  return Shards;
}

async function put(StreamName: string, aggregated: AggregatedRecord[]) {
  await kinesis().client.send(
    new PutRecordsCommand({
      StreamName,
      Records: aggregated.map(({ partitionKey, data }) => ({
        PartitionKey: partitionKey,
        Data: data,
      })),
    }),
  );
}

const parentsOf = (lines: Array<Record<string, unknown>>) =>
  lines.filter(({ type }) => type === 'parent');

describe('kpl inspect --stream', () => {
  it('flags an aggregate of records of several shards, and passes one per shard', async () => {
    const shards = await streamOfFourShards('mixed');
    const [mixed] = aggregate(records);
    await put('mixed', [mixed!, ...aggregate(records, { shards }), ...aggregate([records[0]!])]);

    const json = await kpl(['inspect', '--stream', 'mixed', '--json'], {
      client: kinesis().client,
    });
    expect(json.code).toBe(1);
    const parents = parentsOf(json.lines);
    expect(parents).toHaveLength(6);
    const flagged = parents.filter(({ outsideShard }) => (outsideShard as number) > 0);
    expect(flagged).toEqual([
      expect.objectContaining({ kind: 'aggregate', userRecords: 40, shardId: expect.any(String) }),
    ]);
    expect(flagged[0]!.outsideShard).toBeGreaterThan(20);
    expect(parents.filter(({ outsideShard }) => outsideShard === 0)).toHaveLength(4);
    // A plain record is not checked: the KCL reads it wherever the service put it.
    expect(parents.filter(({ outsideShard }) => outsideShard === null)).toEqual([
      expect.objectContaining({ kind: 'plain' }),
    ]);
    const userRecords = json.lines.filter(({ type }) => type === 'userRecord');
    expect(userRecords.filter(({ outsideShard }) => outsideShard === true)).toHaveLength(
      flagged[0]!.outsideShard as number,
    );

    const text = await kpl(['inspect', '--stream', 'mixed'], { client: kinesis().client });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /^parent \d+, (shardId-\d+), sequence number \d+, partition key user-0, \d+ bytes, aggregate of 40 user records, digest valid, \d+ OUTSIDE shard \1: a KCL consumer drops this aggregate whole$/m,
    );
    expect(text.stdout).toMatch(/^ {2}sub +partition key +explicit hash key +bytes +shard +data$/m);
    expect(text.stdout).toMatch(/^ {2}\d+ +user-\d+ +\d+ +OUTSIDE +json \{"i":\d+\}$/m);
  });

  it('ends with code 0 when every aggregate holds only records of its shard, one shard or all, after a reshard too', async () => {
    const shards = await streamOfFourShards('per-shard');
    const aggregated = aggregate(records, { shards });
    await put('per-shard', aggregated);

    const run = await kpl(['inspect', '--stream', 'per-shard', '--json'], {
      client: kinesis().client,
    });
    expect(run.code).toBe(0);
    expect(parentsOf(run.lines).map(({ shardId }) => shardId)).toEqual(
      aggregated.map(({ shardId }) => shardId).sort(),
    );

    const shardId = aggregated[0]!.shardId!;
    const one = await kpl(['inspect', '--stream', 'per-shard', '--shard', shardId, '--json'], {
      client: kinesis().client,
    });
    expect(parentsOf(one.lines)).toEqual([expect.objectContaining({ shardId, outsideShard: 0 })]);

    // After a reshard: the closed parent read to its end, each record against its own shard.
    await kinesis().splitShard('per-shard');
    const { Shards = [] } = await kinesis().client.send(
      new ListShardsCommand({ StreamName: 'per-shard' }),
    );
    await put('per-shard', aggregate(records, { shards: Shards }));
    const resharded = await kpl(['inspect', '--stream', 'per-shard', '--json'], {
      client: kinesis().client,
    });
    expect(resharded.code).toBe(0);
    expect(parentsOf(resharded.lines)).toHaveLength(9);
    expect(new Set(parentsOf(resharded.lines).map(({ shardId }) => shardId)).size).toBe(6);
  });

  it('reads every shard when ListShards answers in pages, as AWS does past a thousand shards', async () => {
    const shards = await streamOfFourShards('paged');
    await put('paged', aggregate(records, { shards }));
    // kinesalite answers in one page: this client answers ListShards in two, and sends the
    // rest to kinesalite.
    const paged = new KinesisClient({});
    const local = kinesis().client;
    mockClient(paged)
      .on(ListShardsCommand, { StreamName: 'paged' })
      .resolves({ Shards: shards.slice(0, 2), NextToken: 'page-2' })
      .on(ListShardsCommand, { NextToken: 'page-2' })
      .resolves({ Shards: shards.slice(2) })
      .on(GetShardIteratorCommand)
      .callsFake((input) => local.send(new GetShardIteratorCommand(input)))
      .on(GetRecordsCommand)
      .callsFake((input) => local.send(new GetRecordsCommand(input)));

    const run = await kpl(['inspect', '--stream', 'paged', '--json'], { client: paged });

    expect(run.code).toBe(0);
    expect(parentsOf(run.lines).map(({ shardId }) => shardId)).toEqual(
      shards.map(({ ShardId }) => ShardId),
    );
  });

  it('exits 130 when stopped, never 0 as if it had read the stream to its end', async () => {
    await streamOfFourShards('stopped');
    await put('stopped', aggregate(records));
    const controller = new AbortController();
    controller.abort();
    const run = await kpl(['inspect', '--stream', 'stopped'], {
      client: kinesis().client,
      signal: controller.signal,
    });
    expect(run).toMatchObject({ code: 130, stdout: '', stderr: '' });
  });

  it('refuses a FILE or --shards beside it, and a shard the stream does not have', async () => {
    expect(
      await kpl(['inspect', '--stream', 'per-shard', 'event.json'], { client: kinesis().client }),
    ).toMatchObject({ code: 2, stderr: expect.stringContaining('no FILE or --shards') });
    expect(
      await kpl(['inspect', '--stream', 'per-shard', '--shard', 'shardId-000000000009'], {
        client: kinesis().client,
      }),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('has no shard shardId-000000000009'),
    });
  });
});

describe('kpl inspect --shards FILE', () => {
  it("checks a Lambda event's aggregates against the shard of each record's eventID", async () => {
    const shards = await streamOfFourShards('for-file');
    writeFileSync(shardsFile, JSON.stringify({ Shards: shards }));
    const [mixed] = aggregate(records);
    const shardId = shards[0]!.ShardId!;
    const event = kinesisStreamEvent([{ data: mixed!.data, partitionKey: mixed!.partitionKey }], {
      shardId,
    });

    const run = await kpl(['inspect', '--shards', shardsFile, '--json'], {
      stdin: JSON.stringify(event),
    });
    expect(run.code).toBe(1);
    expect(parentsOf(run.lines)).toEqual([
      expect.objectContaining({ shardId, outsideShard: expect.any(Number) }),
    ]);
    expect(parentsOf(run.lines)[0]!.outsideShard).toBeGreaterThan(20);

    // Without the map, nothing is checked.
    const unchecked = await kpl(['inspect', '--json'], { stdin: JSON.stringify(event) });
    expect(unchecked.code).toBe(0);
    expect(parentsOf(unchecked.lines)).toEqual([
      expect.objectContaining({ shardId, outsideShard: null }),
    ]);
  });

  it('takes --shard for records that do not say their shard, and refuses to guess', async () => {
    const shards = await streamOfFourShards('getrecords');
    writeFileSync(shardsFile, JSON.stringify(shards));
    // As the AWS CLI prints a GetRecords output: no shard in it.
    const output = JSON.stringify({
      Records: [
        { Data: Buffer.from(aggregate(records)[0]!.data).toString('base64'), SequenceNumber: '1' },
      ],
    });

    expect(await kpl(['inspect', '--shards', shardsFile], { stdin: output })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('does not say which shard it was read from: give --shard ID'),
    });
    const run = await kpl(
      ['inspect', '--shards', shardsFile, '--shard', shards[0]!.ShardId!, '--json'],
      { stdin: output },
    );
    expect(run.code).toBe(1);
    expect(
      await kpl(['inspect', '--shards', shardsFile, '--shard', 'elsewhere'], { stdin: output }),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Shard elsewhere is not in the shard map'),
    });
  });

  it('says what is wrong with a map it cannot use', async () => {
    writeFileSync(shardsFile, JSON.stringify({ Shards: [] }));
    expect(await kpl(['inspect', '--shards', shardsFile], { stdin: 'eA==' })).toMatchObject({
      code: 1,
      stderr: `kpl inspect: --shards ${shardsFile}: No open shard: give the Shards of ListShards\n`,
    });
    writeFileSync(shardsFile, '{');
    expect((await kpl(['inspect', '--shards', shardsFile], { stdin: 'eA==' })).stderr).toMatch(
      /^kpl inspect: --shards .*: .*JSON/,
    );
  });
});
