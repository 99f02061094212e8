import type { KinesisStreamUserRecord } from '@kpl-lambda/core';
import { USER_RECORD_FIELDS } from '@kpl-lambda/core/internal';
import type { BatchProcessorConfig } from './types.js';

/**
 * Powertools extends an `innerSchema` from its stock Kinesis record schema, whose Zod objects
 * strip the fields a user record adds, and whose `partitionKey` must be a string. This lets
 * Powertools parse as it always does, then puts those fields back from the user record: the
 * processor itself never loads Zod or the parser, so a handler that does not parse bundles
 * neither.
 */
export function withUserRecordParser(config: BatchProcessorConfig): BatchProcessorConfig {
  const { parser, innerSchema, schema } = config;
  if (parser === undefined || innerSchema === undefined || schema !== undefined) return config;
  const parseUserRecord: typeof parser = async (record, eventType, logger, parserConfig) => {
    const { kinesis } = record as KinesisStreamUserRecord;
    // A record written without a key (a service-managed stream) parses with an empty one, and
    // gets what Lambda sent back: the stock schema would fail it, and Lambda retry it forever.
    const keyless = typeof kinesis.partitionKey !== 'string';
    const input = keyless ? { ...record, kinesis: { ...kinesis, partitionKey: '' } } : record;
    const parsed = (await parser(input, eventType, logger, parserConfig)) as {
      kinesis?: Record<string, unknown>;
    };
    if (parsed?.kinesis !== undefined) {
      for (const field of USER_RECORD_FIELDS) {
        // What a user record adds, which the stock schema stripped.
        if (kinesis[field] !== undefined) parsed.kinesis[field] = kinesis[field];
      }
      if (keyless) {
        if ('partitionKey' in kinesis) parsed.kinesis.partitionKey = kinesis.partitionKey;
        else delete parsed.kinesis.partitionKey;
      }
    }
    return parsed as never;
  };
  return { ...config, parser: parseUserRecord };
}
