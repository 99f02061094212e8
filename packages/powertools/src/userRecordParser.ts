import { gunzipSync } from 'node:zlib';
import { ParsingError } from '@aws-lambda-powertools/batch';
import { DEFAULT_MAX_DECODED_BYTES, type KinesisStreamUserRecord } from '@kpl-lambda/core';
import { USER_RECORD_FIELDS } from '@kpl-lambda/core/internal';
import type { BatchProcessorConfig } from './types.js';

type Parser = NonNullable<BatchProcessorConfig['parser']>;
type InnerSchema = NonNullable<BatchProcessorConfig['innerSchema']>;
type Issue = NonNullable<Awaited<ReturnType<InnerSchema['~standard']['validate']>>['issues']>[0];

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * `innerSchema` with the `base64` transformer (or none), for user records. Powertools builds a
 * whole Kinesis record schema around it again for every record, and its `Base64Encoded` tries
 * to gunzip every record, throwing for each that is not gzip: most of a parsed record's cost.
 * This reads `kinesis.data` as `Base64Encoded` does (gzip, then JSON, then text), tries gunzip
 * only on gzip data, validates it with the inner schema itself, and fails as Powertools does
 * (`ParsingError`, the same message). The record keeps every field a user record has, which a
 * stock schema strips. Nothing here loads Zod or the parser: a handler that does not parse
 * bundles neither. Other transformers go to Powertools' parser, whose fields are put back.
 */
export function withUserRecordParser(config: BatchProcessorConfig): BatchProcessorConfig {
  const { parser, innerSchema, schema, transformer } = config;
  if (parser === undefined || innerSchema === undefined || schema !== undefined) return config;
  // Powertools' own path refuses a schema that is not Zod, with its own error and log.
  if (innerSchema['~standard'].vendor !== 'zod') return config;
  const powertools = keepingUserRecordFields(parser);
  if (transformer !== undefined && transformer !== 'base64')
    return { ...config, parser: powertools };
  const parseUserRecord: Parser = async (record, eventType, logger, parserConfig) => {
    const { kinesis } = record as KinesisStreamUserRecord;
    const data = transformer === 'base64' ? base64Encoded(kinesis.data) : kinesis.data;
    const result = innerSchema['~standard'].validate(data);
    if (result instanceof Promise) {
      // An asynchronous schema: Powertools' parser decides (it refuses them), as without us.
      result.catch(() => {});
      return powertools(record, eventType, logger, parserConfig);
    }
    if (result.issues !== undefined) {
      const message = result.issues.map(issueText).join('; ');
      logger.debug(`Failed to parse record: ${message}`);
      throw new ParsingError(message);
    }
    return { ...record, kinesis: { ...kinesis, data: result.value } } as never;
  };
  return { ...config, parser: parseUserRecord };
}

/** What Powertools' `Base64Encoded` makes of base64 data before its schema sees it. */
function base64Encoded(data: string): unknown {
  const bytes = Buffer.from(data, 'base64');
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      // Capped, unlike Base64Encoded: a bomb fails its schema as text instead of taking memory.
      const json = gunzipSync(bytes, { maxOutputLength: DEFAULT_MAX_DECODED_BYTES });
      return JSON.parse(json.toString('utf8'));
    } catch {
      // As Base64Encoded: gzip that is not JSON is read as the text of its bytes.
    }
  }
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** As Powertools words an issue: its path from the record, then its message. */
function issueText(issue: Issue): string {
  const path = (issue.path ?? []).map((segment) =>
    typeof segment === 'object' ? String(segment.key) : String(segment),
  );
  return `${['kinesis', 'data', ...path].join('.')}: ${issue.message}`;
}

/**
 * Powertools' parser over a user record: a record without a key (a service-managed stream)
 * parses with an empty one and gets back what Lambda sent, and the fields a user record adds,
 * which the stock schema strips, are put back.
 */
function keepingUserRecordFields(parser: Parser): Parser {
  return async (record, eventType, logger, parserConfig) => {
    const { kinesis } = record as KinesisStreamUserRecord;
    const keyless = typeof kinesis.partitionKey !== 'string';
    const input = keyless ? { ...record, kinesis: { ...kinesis, partitionKey: '' } } : record;
    const parsed = (await parser(input, eventType, logger, parserConfig)) as {
      kinesis?: Record<string, unknown>;
    };
    if (parsed?.kinesis !== undefined) {
      for (const field of USER_RECORD_FIELDS) {
        if (kinesis[field] !== undefined) parsed.kinesis[field] = kinesis[field];
      }
      if (keyless) {
        if ('partitionKey' in kinesis) parsed.kinesis.partitionKey = kinesis.partitionKey;
        else delete parsed.kinesis.partitionKey;
      }
    }
    return parsed as never;
  };
}
