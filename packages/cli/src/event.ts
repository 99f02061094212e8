import { aggregate } from '@kpl-lambda/core';
import { kinesisStreamEvent, type ParentRecordSpec, plainRecord } from '@kpl-lambda/core/testing';
import { readLines, writeLine } from './io.js';
import type { CliIo } from './types.js';

/** Options of `kpl event`. */
export interface EventOptions {
  plain: boolean;
  partitionKey: string | undefined;
  perAggregate: number;
}

/**
 * `kpl event [FILE|-]`: a Lambda Kinesis event from lines (each one a user record's data, as
 * given): KPL aggregates of up to `--per-aggregate` user records, or `--plain` records. For
 * `sam local invoke -e` and unit tests.
 */
export async function event(
  file: string | undefined,
  options: EventOptions,
  io: CliIo,
): Promise<number> {
  const userRecords: Array<{ partitionKey: string; data: string }> = [];
  for await (const { text } of readLines(file, io)) {
    userRecords.push({
      partitionKey: partitionKeyOf(text, userRecords.length, options.partitionKey),
      data: text,
    });
  }
  const parents: ParentRecordSpec[] = [];
  if (options.plain) {
    for (const userRecord of userRecords) parents.push(plainRecord(userRecord));
  } else {
    for (const aggregated of aggregate(userRecords, {
      aggregationMaxCount: options.perAggregate,
      aggregateSingleRecord: true,
    })) {
      parents.push({ data: aggregated.data, partitionKey: aggregated.partitionKey });
    }
  }
  await writeLine(io.stdout, JSON.stringify(kinesisStreamEvent(parents), null, 2));
  return 0;
}

/** The value of `field` in a JSON object line, else a key of the line's number. */
export function partitionKeyOf(line: string, index: number, field: string | undefined): string {
  if (field !== undefined) {
    try {
      const value = (JSON.parse(line) as Record<string, unknown>)[field];
      if (value !== undefined && value !== null && value !== '') return String(value);
    } catch {
      // not JSON: the line's number below
    }
  }
  return `line-${index + 1}`;
}
