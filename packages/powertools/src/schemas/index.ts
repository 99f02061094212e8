/**
 * Zod schemas of user records, for the Powertools parser. Import from
 * `@kpl-lambda/powertools/schemas`; they need `@aws-lambda-powertools/parser` and `zod`.
 *
 * @example
 * ```ts
 * import { parser } from '@aws-lambda-powertools/batch/parser';
 * import { Base64Encoded } from '@aws-lambda-powertools/parser/helpers';
 * import { KinesisUserRecordPayloadSchema, KinesisUserRecordSchema } from '@kpl-lambda/powertools/schemas';
 * import { z } from 'zod';
 *
 * const schema = KinesisUserRecordSchema.extend({
 *   kinesis: KinesisUserRecordPayloadSchema.extend({
 *     data: Base64Encoded(z.object({ orderId: z.string() })),
 *   }),
 * });
 * const processor = new KplBatchProcessor({ parser, schema });
 * ```
 */
import {
  KinesisDataStreamRecord,
  KinesisDataStreamRecordPayload,
} from '@aws-lambda-powertools/parser/schemas/kinesis';
import type { UserRecordField } from '@kpl-lambda/core/internal';
import { z } from 'zod';

/**
 * What a record decoded from a CloudWatch Logs envelope (the `decode` option) says of its log
 * event, as `kinesis.cloudWatchLogs`.
 */
export const CloudWatchLogsEventSchema = z.object({
  id: z.string(),
  timestamp: z.number(),
  owner: z.string(),
  logGroup: z.string(),
  logStream: z.string(),
  subscriptionFilters: z.array(z.string()).readonly(),
});

/**
 * The `kinesis` payload of a user record: Powertools' Kinesis payload schema (which decodes
 * `data` from base64) plus `subSequenceNumber`, `aggregated`, and the optional
 * `explicitHashKey`, `deaggregationError` (and its reason) and, on a record the `decode` option
 * made, `innerIndex` and `cloudWatchLogs`, which a plain Kinesis schema would strip; and a
 * `partitionKey` that may be `null` or absent, as Lambda sends it for a record written without
 * one to a service-managed stream (Powertools' own schema refuses such a record).
 */
export const KinesisUserRecordPayloadSchema = KinesisDataStreamRecordPayload.extend({
  partitionKey: z.string().nullish(),
  ...({
    subSequenceNumber: z.number().int().nonnegative(),
    aggregated: z.boolean(),
    explicitHashKey: z.string().optional(),
    deaggregationError: z.string().optional(),
    deaggregationErrorReason: z.string().optional(),
    innerIndex: z.number().int().nonnegative().optional(),
    cloudWatchLogs: CloudWatchLogsEventSchema.optional(),
    // Core's list of the fields, which the compiler holds this object to: none missing, none extra.
  } satisfies { [K in UserRecordField]-?: z.ZodType }),
});

/** A user record as `deaggregateRecords` gives it: a Kinesis record with a user record payload. */
export const KinesisUserRecordSchema = KinesisDataStreamRecord.extend({
  kinesis: KinesisUserRecordPayloadSchema,
});

/** A Kinesis event whose records were deaggregated (e.g. by `@kpl-lambda/middy` first). */
export const KinesisUserEventSchema = z.object({
  Records: z.array(KinesisUserRecordSchema),
});
