/** A day, in seconds: the unit of a checkpoint's life. */
const DAY_SECONDS = 86_400;

/**
 * Default life of a checkpoint item: 365 days, the longest a Kinesis stream retains a record.
 * An item written when its parent was delivered then outlives every later delivery of that
 * parent, Lambda's retries (`MaximumRecordAgeInSeconds` is unbounded by default) and a redrive
 * alike, whatever the stream's retention. Items are written only for parents of failing batches,
 * and a year of an item's storage costs the same order as the write that made it.
 */
export const DEFAULT_CHECKPOINT_TTL_SECONDS = 365 * DAY_SECONDS;

/** The shortest `ttlSeconds`: longer than the renewal interval, so that renewals keep it alive. */
export const MIN_CHECKPOINT_TTL_SECONDS = 2 * DAY_SECONDS;

/** The longest `ttlSeconds`: no record outlives a stream's longest retention. */
export const MAX_CHECKPOINT_TTL_SECONDS = 365 * DAY_SECONDS;

/**
 * A checkpoint whose parent is delivered again without progress is written again, to renew its
 * time to live, once this long has passed since it was last written: at most once a day.
 */
export const CHECKPOINT_RENEWAL_SECONDS = DAY_SECONDS;

/** The key attribute of the checkpoint table: consumer, stream, shard and sequence number. */
export const CHECKPOINT_KEY_ATTRIBUTE = 'pk';

/** The attribute DynamoDB's time to live reads: epoch seconds. */
export const CHECKPOINT_TTL_ATTRIBUTE = 'expiresAt';

/** BatchGetItem takes at most 100 keys. */
export const MAX_KEYS_PER_BATCH_GET = 100;
