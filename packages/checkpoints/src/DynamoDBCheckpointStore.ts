import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type CheckpointStore,
  type ParentProgress,
  type ParentRecordId,
  parentKey,
  SubSequenceSet,
} from '@kpl-lambda/core';
import { assertIntegerIn, assertKnownOptions, assertTypeOf } from '@kpl-lambda/core/internal';
import {
  CHECKPOINT_KEY_ATTRIBUTE,
  CHECKPOINT_RENEWAL_SECONDS,
  CHECKPOINT_TTL_ATTRIBUTE,
  DEFAULT_CHECKPOINT_TTL_SECONDS,
  MAX_CHECKPOINT_TTL_SECONDS,
  MAX_KEYS_PER_BATCH_GET,
  MIN_CHECKPOINT_TTL_SECONDS,
} from './constants.js';
import { configurationError as E, KplCheckpointsError } from './errors.js';
import { assertTable, DYNAMODB_CHECKPOINT_STORE_OPTIONS } from './options.js';
import type { DynamoDBCheckpointStoreOptions } from './types.js';

/** Tries of a conditional write that lost a race to another invocation, and of unprocessed keys. */
const MAX_TRIES = 8;

/** Items a store remembers from its reads, for the writes that follow them; past this, it forgets. */
const MAX_REMEMBERED_ITEMS = 10_000;

type Item = Record<string, AttributeValue>;

/**
 * Checkpoints in a DynamoDB table, one item per parent record (consumer, stream, shard, sequence
 * number), holding its done sub-sequence numbers as ranges or, when shorter, a bitmap: any
 * aggregate fits one item. Reads are one strongly consistent `BatchGetItem` per 100 parents.
 * Writes merge: each is a conditional `PutItem` of the union of what the item held and what is
 * new, retried when another invocation wrote first, so that concurrent invocations holding the
 * same parent never lose each other's progress. Items expire `ttlSeconds` after their last write;
 * a parent delivered again without progress has its item written again, at most once a day, so
 * that a checkpoint lives as long as Lambda keeps delivering its parent.
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { DynamoDBCheckpointStore } from '@kpl-lambda/checkpoints';
 * const checkpoints = new DynamoDBCheckpointStore({
 *   client: new DynamoDBClient({}),
 *   tableName: process.env.CHECKPOINT_TABLE ?? 'checkpoints',
 * });
 * ```
 */
export class DynamoDBCheckpointStore implements CheckpointStore {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #consumerName: string;
  readonly #ttlSeconds: number;
  readonly #clock: () => number;
  /**
   * What the last read found of each item (undefined: no item), so that the write that follows
   * needs no second read. Only a hint: a write conditional on it that finds the item changed
   * reads it again.
   */
  readonly #read = new Map<string, Item | undefined>();

  public constructor(options: DynamoDBCheckpointStoreOptions) {
    assertKnownOptions(options, DYNAMODB_CHECKPOINT_STORE_OPTIONS, E);
    const {
      client,
      tableName,
      ttlSeconds = DEFAULT_CHECKPOINT_TTL_SECONDS,
      clock = Date.now,
    } = options ?? {};
    const consumerName = options?.consumerName ?? process.env.AWS_LAMBDA_FUNCTION_NAME;
    assertTable(client, tableName);
    if (typeof consumerName !== 'string' || consumerName === '') {
      throw E(
        'consumerName',
        'Give consumerName (outside Lambda there is no AWS_LAMBDA_FUNCTION_NAME): two consumers of one stream must never share progress',
      );
    }
    assertIntegerIn(
      'ttlSeconds',
      ttlSeconds,
      MIN_CHECKPOINT_TTL_SECONDS,
      MAX_CHECKPOINT_TTL_SECONDS,
      E,
    );
    assertTypeOf('clock', clock, 'function', E);
    this.#client = client;
    this.#tableName = tableName;
    this.#consumerName = consumerName;
    this.#ttlSeconds = ttlSeconds;
    this.#clock = clock;
  }

  public async load(
    parents: readonly ParentRecordId[],
  ): Promise<ReadonlyMap<string, SubSequenceSet>> {
    const byKey = new Map(parents.map((parent) => [this.#key(parent), parentKey(parent)]));
    const keys = [...byKey.keys()];
    const found = new Map<string, SubSequenceSet>();
    if (this.#read.size + keys.length > MAX_REMEMBERED_ITEMS) this.#read.clear();
    for (const key of keys) this.#read.set(key, undefined);
    for (let start = 0; start < keys.length; start += MAX_KEYS_PER_BATCH_GET) {
      let pending: Item[] = keys
        .slice(start, start + MAX_KEYS_PER_BATCH_GET)
        .map((key) => ({ [CHECKPOINT_KEY_ATTRIBUTE]: { S: key } }));
      for (let tries = 0; pending.length > 0; tries++) {
        if (tries === MAX_TRIES)
          throw new KplCheckpointsError('BatchGetItem left keys unprocessed');
        const { Responses, UnprocessedKeys } = await this.#client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.#tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of Responses?.[this.#tableName] ?? []) {
          const key = item[CHECKPOINT_KEY_ATTRIBUTE]!.S!;
          this.#read.set(key, item);
          found.set(byKey.get(key)!, decode(item));
        }
        pending = UnprocessedKeys?.[this.#tableName]?.Keys ?? [];
        if (pending.length > 0) await backoff(tries);
      }
    }
    return found;
  }

  /**
   * Writes each parent's progress, merged with what its item holds. A parent whose progress adds
   * nothing is still being delivered: its item is written again only to renew its time to live,
   * and only when its last write is a day old or more.
   */
  public async save(progress: readonly ParentProgress[]): Promise<void> {
    await Promise.all(progress.map(({ parent, done }) => this.#merge(parent, done)));
  }

  /**
   * Writes the union of the item and `done` with a new time to live, conditional on the item
   * being what was read; nothing when the item holds `done` already and was written within a day.
   */
  async #merge(parent: ParentRecordId, done: SubSequenceSet): Promise<void> {
    const pk = this.#key(parent);
    const key = { [CHECKPOINT_KEY_ATTRIBUTE]: { S: pk } };
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      // The first try builds on what the batch's read found; a lost race reads again.
      const remembered = tries === 0 && this.#read.has(pk);
      const { Item } = remembered
        ? { Item: this.#read.get(pk) }
        : await this.#client.send(
            new GetItemCommand({ TableName: this.#tableName, Key: key, ConsistentRead: true }),
          );
      this.#read.delete(pk);
      const before = Item === undefined ? SubSequenceSet.empty() : decode(Item);
      const now = Math.floor(this.#clock() / 1000);
      if (before.covers(done) && !this.#isDueForRenewal(Item, now)) return;
      const version = Number(Item?.version?.N ?? 0);
      try {
        await this.#client.send(
          new PutItemCommand({
            TableName: this.#tableName,
            Item: {
              ...key,
              ...encode(before.union(done)),
              version: { N: String(version + 1) },
              shardId: { S: parent.shardId },
              sequenceNumber: { S: parent.sequenceNumber },
              [CHECKPOINT_TTL_ATTRIBUTE]: {
                N: String(now + this.#ttlSeconds),
              },
            },
            ConditionExpression:
              Item === undefined ? 'attribute_not_exists(#key)' : '#version = :version',
            ...(Item === undefined
              ? { ExpressionAttributeNames: { '#key': CHECKPOINT_KEY_ATTRIBUTE } }
              : {
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':version': { N: String(version) } },
                }),
          }),
        );
        return;
      } catch (error) {
        // Another invocation wrote first: read again and merge with what it wrote.
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    throw new KplCheckpointsError(`Checkpoint of ${parent.sequenceNumber} lost ${MAX_TRIES} races`);
  }

  /** Whether an item was last written a day ago or more (as one without `expiresAt` is taken). */
  #isDueForRenewal(item: Item | undefined, now: number): boolean {
    if (item === undefined) return false;
    const expiresAt = Number(item[CHECKPOINT_TTL_ATTRIBUTE]?.N);
    return !(expiresAt - this.#ttlSeconds > now - CHECKPOINT_RENEWAL_SECONDS);
  }

  #key(parent: ParentRecordId): string {
    return `${this.#consumerName}|${parentKey(parent)}`;
  }
}

/** The shorter of the range list and the bitmap. */
function encode(done: SubSequenceSet): Item {
  const ranges = done.toString();
  const bitmap = done.toBitmap();
  return ranges.length <= bitmap.length ? { done: { S: ranges } } : { doneBitmap: { B: bitmap } };
}

function decode(item: Item): SubSequenceSet {
  if (item.doneBitmap?.B !== undefined) return SubSequenceSet.fromBitmap(item.doneBitmap.B);
  return SubSequenceSet.parse(item.done?.S ?? '');
}

const backoff = (tries: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1_000, 25 * 2 ** tries)));
