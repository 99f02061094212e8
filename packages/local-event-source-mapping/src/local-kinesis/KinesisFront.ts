import type { AddressInfo } from 'node:net';
import { computeHashKey } from '@kpl-lambda/core';
import type { LoopbackServer } from '../loopback.js';
import { createHttp1And2Server, type Incoming, type Outgoing } from './http1And2.js';
import { IteratorShards, type StreamShard } from './IteratorShards.js';
import { type Answer, type Body, call, readAll, reply } from './kinesalite.js';
import { ShardThrottle, type ShardWriteLimits } from './ShardThrottle.js';
import { NO_PARTITION_KEY, type PutEntry, placedByService } from './serviceManaged.js';

/** How a stream places records: by their keys, or as the service likes (a service-managed stream). */
export type RecordDistribution = 'USER_PARTITION_KEY' | 'AUTO';

/** What the front knows of a stream that kinesalite does not. */
export interface StreamFacts {
  recordDistribution: RecordDistribution;
  maxRecordSizeInKiB: number;
}

interface PutResult {
  SequenceNumber?: string;
  ShardId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

/** A stream's shards as ListShards gives them, for throttling by hash key. */
type ShardRanges = Array<{ shardId: string; start: bigint; end: bigint }>;

/**
 * An HTTP front for kinesalite that adds what today's Kinesis does and kinesalite does not:
 * HTTP/2 beside HTTP/1.1 on one port (the KCL's), a closed shard's children (`ChildShards`) in
 * the last `GetRecords` answer of its end, service-managed record distribution (`AUTO` in
 * `DescribeStreamSummary`, `PutRecords` without a `PartitionKey`, records placed by the service
 * whatever their keys, and `GetRecords` without a `PartitionKey` for those written without one),
 * and, when asked, per-shard write limits that fail entries with
 * `ProvisionedThroughputExceededException` as Kinesis does. Everything else is passed to
 * kinesalite as it came.
 */
export class KinesisFront {
  /** Records refused for a shard's write limits, since the front started. */
  public throttledRecords = 0;

  readonly #server: LoopbackServer;
  readonly #backend: AddressInfo;
  readonly #iterators = new IteratorShards();
  readonly #facts = new Map<string, StreamFacts>();
  readonly #shards = new Map<string, ShardRanges>();
  readonly #throttle: ShardThrottle | undefined;

  public constructor(backend: AddressInfo, limits: ShardWriteLimits | undefined) {
    this.#backend = backend;
    this.#throttle = limits === undefined ? undefined : new ShardThrottle(limits);
    this.#server = createHttp1And2Server((incoming, response) => {
      this.#handle(incoming, response).catch((error: unknown) => {
        if (!response.headersSent) {
          response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        }
        response.end(JSON.stringify({ __type: 'InternalFailure', message: String(error) }));
      });
    });
  }

  /** Listens on 127.0.0.1 (`port` 0: any free one); resolves with the port, rejects if taken. */
  public listen(port: number): Promise<number> {
    return this.#server.listen(port);
  }

  public close(): Promise<void> {
    return this.#server.close();
  }

  /** Sets what a stream is (kinesalite has it as a stream with user partition keys). */
  public setFacts(streamName: string, facts: StreamFacts): void {
    this.#facts.set(streamName, facts);
  }

  #factsOf(body: Body): StreamFacts {
    return (
      this.#facts.get(streamNameOf(body)) ?? {
        recordDistribution: 'USER_PARTITION_KEY',
        maxRecordSizeInKiB: 1024,
      }
    );
  }

  async #handle(incoming: Incoming, response: Outgoing): Promise<void> {
    const raw = await readAll(incoming);
    if (String(incoming.headers['content-type']).includes('cbor')) {
      return reply(response, { status: 400, body: CBOR_REFUSED });
    }
    const action = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Body) : {};
    switch (action) {
      case 'DescribeStreamSummary': {
        const answer = await this.#forward(incoming, body);
        if (answer.status === 200) {
          const facts = this.#factsOf(body);
          Object.assign(
            (answer.body as { StreamDescriptionSummary: Body }).StreamDescriptionSummary,
            {
              RecordDistributionStrategy: facts.recordDistribution,
              MaxRecordSizeInKiB: facts.maxRecordSizeInKiB,
            },
          );
        }
        return reply(response, answer);
      }
      case 'UpdateStreamRecordDistributionStrategy': {
        const name = streamNameOf(body);
        this.setFacts(name, {
          ...this.#factsOf(body),
          recordDistribution: body.RecordDistributionStrategy as RecordDistribution,
        });
        return reply(response, { status: 200, body: {} });
      }
      case 'PutRecords':
        return reply(response, await this.#putRecords(incoming, body));
      case 'PutRecord':
        return reply(response, await this.#putRecord(incoming, body));
      case 'GetShardIterator': {
        const answer = await this.#forward(incoming, body);
        const { ShardIterator } = answer.body as Body;
        if (typeof ShardIterator === 'string') {
          this.#iterators.remember(ShardIterator, {
            streamName: streamNameOf(body),
            shardId: String(body.ShardId),
          });
        }
        return reply(response, answer);
      }
      case 'GetRecords': {
        const answer = await this.#forward(incoming, body);
        if (answer.status === 200) {
          this.#dropServiceKeys(answer.body as Body);
          await this.#followShard(body.ShardIterator, answer.body as Body);
        }
        return reply(response, answer);
      }
      case 'SplitShard':
      case 'MergeShards':
      case 'UpdateShardCount':
        this.#shards.delete(streamNameOf(body));
        return reply(response, await this.#forward(incoming, body));
      default:
        return reply(response, await this.#forward(incoming, body));
    }
  }

  async #putRecords(incoming: Incoming, body: Body): Promise<Answer> {
    // Kinesis refuses a request without records: kinesalite says how, as for any it cannot read.
    if (!Array.isArray(body.Records) || body.Records.length === 0) {
      return this.#forward(incoming, body);
    }
    const entries = body.Records as PutEntry[];
    const auto = this.#factsOf(body).recordDistribution === 'AUTO';
    const placed = entries.map((entry) => (auto ? placedByService(entry) : entry));
    const refused = await this.#refusedByLimits(body, placed);
    const sent = placed.filter((_, i) => !refused[i]);
    const results: PutResult[] = new Array(entries.length);
    let answered: PutResult[] = [];
    if (sent.length > 0) {
      const answer = await this.#forward(incoming, { ...body, Records: sent });
      if (answer.status !== 200) return answer;
      answered = (answer.body as { Records: PutResult[] }).Records;
    }
    let next = 0;
    entries.forEach((_, i) => {
      results[i] = refused[i] ? throttled() : answered[next++]!;
    });
    const FailedRecordCount = results.filter((result) => result.ErrorCode !== undefined).length;
    return { status: 200, body: { FailedRecordCount, Records: results } };
  }

  async #putRecord(incoming: Incoming, body: Body): Promise<Answer> {
    const auto = this.#factsOf(body).recordDistribution === 'AUTO';
    const entry = auto ? placedByService(body as PutEntry) : (body as PutEntry);
    if ((await this.#refusedByLimits(body, [entry]))[0]) {
      return {
        status: 400,
        body: { __type: 'ProvisionedThroughputExceededException', ...throttled() },
      };
    }
    return this.#forward(incoming, { ...body, ...entry });
  }

  /** Which entries the shards' write limits refuse now, in order. */
  async #refusedByLimits(body: Body, entries: PutEntry[]): Promise<boolean[]> {
    const throttle = this.#throttle;
    if (throttle === undefined) return entries.map(() => false);
    const shards = await this.#shardsOf(body);
    // Shard ids repeat from stream to stream: each stream's shards have limits of their own.
    const stream = streamNameOf(body);
    const now = Date.now();
    return entries.map((entry) => {
      const hashKey = BigInt(entry.ExplicitHashKey ?? computeHashKey(entry.PartitionKey ?? ''));
      const shard = shards.find(({ start, end }) => start <= hashKey && hashKey <= end);
      const bytes =
        Buffer.byteLength(entry.Data ?? '', 'base64') + Buffer.byteLength(entry.PartitionKey ?? '');
      const refused =
        shard !== undefined && !throttle.take(`${stream}/${shard.shardId}`, bytes, now);
      if (refused) this.throttledRecords++;
      return refused;
    });
  }

  /** The open shards of the stream (ListShards through kinesalite), learnt once per reshard. */
  async #shardsOf(body: Body): Promise<ShardRanges> {
    const name = streamNameOf(body);
    const known = this.#shards.get(name);
    if (known !== undefined) return known;
    const answer = await call(this.#backend, 'ListShards', { StreamName: name });
    // A stream kinesalite does not know (yet): nothing to limit, and nothing to remember.
    if (answer.status !== 200) return [];
    const shards = (answer.body as { Shards: Body[] }).Shards.filter(
      (shard) => (shard.SequenceNumberRange as Body).EndingSequenceNumber === undefined,
    ).map((shard) => {
      const range = shard.HashKeyRange as { StartingHashKey: string; EndingHashKey: string };
      return {
        shardId: shard.ShardId as string,
        start: BigInt(range.StartingHashKey),
        end: BigInt(range.EndingHashKey),
      };
    });
    this.#shards.set(name, shards);
    return shards;
  }

  /**
   * Remembers the shard of the next iterator; at the end of a closed shard (no next iterator),
   * adds its children, as Kinesis does: KCL 3 takes an answer with neither for a failure, and
   * retries it for ever, and the shard never ends.
   */
  async #followShard(iterator: unknown, answer: Body): Promise<void> {
    const shard = this.#iterators.shardOf(iterator);
    /* v8 ignore next -- kinesalite refuses an iterator older than IteratorShards keeps one */
    if (shard === undefined) return;
    // kinesalite gives no ChildShards.
    if (typeof answer.NextShardIterator === 'string') {
      this.#iterators.remember(answer.NextShardIterator, shard);
    } else {
      answer.ChildShards = await this.#childrenOf(shard);
    }
  }

  async #childrenOf({ streamName, shardId }: StreamShard): Promise<Body[]> {
    // A stream deleted since its GetRecords lists no Shards: a failure, which the reader retries.
    const answer = await call(this.#backend, 'ListShards', { StreamName: streamName });
    return (answer.body as { Shards: Body[] }).Shards.filter(
      (shard) => shard.ParentShardId === shardId || shard.AdjacentParentShardId === shardId,
    ).map((child) => ({
      ShardId: child.ShardId,
      ParentShards: [child.ParentShardId, child.AdjacentParentShardId].filter(Boolean),
      HashKeyRange: child.HashKeyRange,
    }));
  }

  /** Records written without a partition key come back without one, as from Kinesis. */
  #dropServiceKeys(body: Body): void {
    for (const record of body.Records as Body[]) {
      if (record.PartitionKey === NO_PARTITION_KEY) delete record.PartitionKey;
    }
  }

  #forward(incoming: Incoming, body: Body): Promise<Answer> {
    return call(this.#backend, undefined, body, incoming.headers);
  }
}

/**
 * Kinesis's other protocol, which kinesalite cuts off after about 64 KB (a big `GetRecords`):
 * refused, saying how to turn it off, rather than failing later in the middle of an answer.
 */
const CBOR_REFUSED = {
  __type: 'SerializationException',
  message:
    'This local Kinesis speaks JSON, not CBOR: set CBOR_ENABLED=false (AWS SDK for Java 2.x, KCL 2 and 3) or AWS_CBOR_DISABLE=true (1.x, KCL 1)',
};

function throttled(): PutResult {
  return {
    ErrorCode: 'ProvisionedThroughputExceededException',
    ErrorMessage: 'Rate exceeded for shard in stream under account 000000000000.',
  };
}

function streamNameOf(body: Body): string {
  if (typeof body.StreamName === 'string') return body.StreamName;
  const arn = typeof body.StreamARN === 'string' ? body.StreamARN : '';
  return arn.slice(arn.lastIndexOf('/') + 1);
}
