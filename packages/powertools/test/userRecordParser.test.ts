import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import { kinesisStreamEvent, lambdaContext, plainRecord } from '@kpl-lambda/core/testing';
import { KplBatchProcessor } from '@kpl-lambda/powertools';

describe('the user record parser', () => {
  // Standard Schema lets an issue's path hold segments ({ key }) or be absent, where Zod's is an
  // array of keys: any schema under Zod's vendor name takes this path.
  it('words every issue a Standard Schema may give: segments by their key, no path as the data', async () => {
    const issues = [{ message: 'is empty', path: [{ key: 'items' }, 0] }, { message: 'no order' }];
    const innerSchema = {
      '~standard': { version: 1, vendor: 'zod', validate: () => ({ issues }) },
    } as const;
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const processor = new KplBatchProcessor({
      parser,
      innerSchema,
      transformer: 'base64',
      logger: quiet,
    });

    await processPartialResponse(
      kinesisStreamEvent([plainRecord({ partitionKey: 'o1', data: '{}' })]),
      async () => undefined,
      processor,
      { context: lambdaContext(), throwOnFullBatchFailure: false },
    );

    expect(processor.errors.map(({ name, message }) => [name, message])).toEqual([
      ['ParsingError', 'kinesis.data.items.0: is empty; kinesis.data: no order'],
    ]);
  });
});
