import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { computeHashKey } from '@kpl-lambda/core';
import { ShardThrottle, type ShardWriteLimits } from './ShardThrottle.js';

/** How a stream places records: by their keys, or as the service likes (a service-managed stream). */
export type RecordDistribution = 'USER_PARTITION_KEY' | 'AUTO';

/** What the front knows of a stream that kinesalite does not. */
export interface StreamFacts {
  recordDistribution: RecordDistribution;
  maxRecordSizeInKiB: number;
}

interface PutEntry {
  Data?: string;
  PartitionKey?: string;
  ExplicitHashKey?: string;
}

interface PutResult {
  SequenceNumber?: string;
  ShardId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

type Body = Record<string, unknown>;

/** A stream's shards as ListShards gives them, for throttling by hash key. */
type ShardRanges = Array<{ shardId: string; start: bigint; end: bigint }>;

/**
 * An HTTP front for kinesalite that adds what today's Kinesis does and kinesalite does not:
 * service-managed record distribution (`AUTO` in `DescribeStreamSummary`, `PutRecords` without a
 * `PartitionKey`, records placed by the service whatever their keys, and `GetRecords` without a
 * `PartitionKey` for those written without one), and, when asked, per-shard write limits that
 * fail entries with `ProvisionedThroughputExceededException` as Kinesis does. Everything else is
 * passed to kinesalite as it came.
 */
export class KinesisFront {
  /** Records refused for a shard's write limits, since the front started. */
  public throttledRecords = 0;

  readonly #server: Server;
  readonly #backend: AddressInfo;
  readonly #facts = new Map<string, StreamFacts>();
  readonly #shards = new Map<string, ShardRanges>();
  readonly #throttle: ShardThrottle | undefined;

  public constructor(backend: AddressInfo, limits: ShardWriteLimits | undefined) {
    this.#backend = backend;
    this.#throttle = limits === undefined ? undefined : new ShardThrottle(limits);
    this.#server = createServer((incoming, response) => {
      this.#handle(incoming, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ __type: 'InternalFailure', message: String(error) }));
      });
    });
  }

  /** Listens on 127.0.0.1, on a port of its own; resolves with the port. */
  public async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return (this.#server.address() as AddressInfo).port;
  }

  public close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
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

  async #handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readAll(incoming);
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
      case 'GetRecords': {
        const answer = await this.#forward(incoming, body);
        if (answer.status === 200) this.#dropServiceKeys(answer.body as Body);
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

  async #putRecords(incoming: IncomingMessage, body: Body): Promise<Answer> {
    const entries = (body.Records as PutEntry[] | undefined) ?? [];
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

  async #putRecord(incoming: IncomingMessage, body: Body): Promise<Answer> {
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
    const now = Date.now();
    return entries.map((entry) => {
      const hashKey = BigInt(entry.ExplicitHashKey ?? computeHashKey(entry.PartitionKey ?? ''));
      const shard = shards.find(({ start, end }) => start <= hashKey && hashKey <= end);
      const bytes =
        Buffer.byteLength(entry.Data ?? '', 'base64') + Buffer.byteLength(entry.PartitionKey ?? '');
      const refused = shard !== undefined && !throttle.take(shard.shardId, bytes, now);
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
    const shards = ((answer.body as { Shards?: Body[] }).Shards ?? [])
      .filter((shard) => (shard.SequenceNumberRange as Body).EndingSequenceNumber === undefined)
      .map((shard) => {
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

  /** Records written without a partition key come back without one, as from Kinesis. */
  #dropServiceKeys(body: Body): void {
    for (const record of (body.Records as Array<Body> | undefined) ?? []) {
      if (record.PartitionKey === NO_PARTITION_KEY) delete record.PartitionKey;
    }
  }

  #forward(incoming: IncomingMessage, body: Body): Promise<Answer> {
    return call(this.#backend, undefined, body, incoming.headers);
  }
}

interface Answer {
  status: number;
  body: unknown;
}

/**
 * What kinesalite stores for a record written without a partition key (it needs one): no key a
 * producer sends, since Kinesis keys are text a producer chooses and this one starts with NUL.
 */
const NO_PARTITION_KEY = '\u0000no partition key';

/** A service-managed stream ignores the keys given: the record lands on any shard. */
function placedByService(entry: PutEntry): PutEntry {
  return {
    ...entry,
    PartitionKey: entry.PartitionKey ?? NO_PARTITION_KEY,
    ExplicitHashKey: BigInt(`0x${randomBytes(16).toString('hex')}`).toString(),
  };
}

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

async function readAll(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, answer: Answer): void {
  const text = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomBytes(8).toString('hex'),
  });
  response.end(text);
}

/** One JSON call to kinesalite: `action` sets the target, else the caller's headers are kept. */
function call(
  backend: AddressInfo,
  action: string | undefined,
  body: Body,
  headers: IncomingMessage['headers'] = {},
): Promise<Answer> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port: backend.port,
        method: 'POST',
        path: '/',
        headers: {
          ...headers,
          ...(action === undefined ? {} : { 'x-amz-target': `Kinesis_20131202.${action}` }),
          'content-type': 'application/x-amz-json-1.1',
          'content-length': Buffer.byteLength(text),
          authorization:
            headers.authorization ??
            'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
          'x-amz-date': headers['x-amz-date'] ?? '20260101T000000Z',
        },
      },
      async (incoming) => {
        const raw = (await readAll(incoming)).toString('utf8');
        resolve({ status: incoming.statusCode ?? 500, body: raw === '' ? {} : JSON.parse(raw) });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(text);
  });
}
