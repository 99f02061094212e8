/** Default life of a checkpoint item: 7 days, Lambda's longest `MaximumRecordAgeInSeconds`. */
export const DEFAULT_CHECKPOINT_TTL_SECONDS = 604_800;

/** The key attribute of the checkpoint table: consumer, stream, shard and sequence number. */
export const CHECKPOINT_KEY_ATTRIBUTE = 'pk';

/** The attribute DynamoDB's time to live reads: epoch seconds. */
export const CHECKPOINT_TTL_ATTRIBUTE = 'expiresAt';

/** BatchGetItem takes at most 100 keys. */
export const MAX_KEYS_PER_BATCH_GET = 100;
