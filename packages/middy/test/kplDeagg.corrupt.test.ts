import { KplDecodeError } from '@kpl-lambda/core';
import kplDeagg from '@kpl-lambda/middy';
import { batchWithCorruptAggregate, sequenceNumbers } from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type { KinesisStreamEvent } from 'aws-lambda';
import { context, recordingHandler, recordingLogger, text } from './helpers/recordingHandler.js';

describe('kplDeagg with corrupt aggregates', () => {
  it('passes them to the handler with a deaggregationError by default, and warns', async () => {
    const logger = recordingLogger();
    const event = batchWithCorruptAggregate();
    const { seen, handle } = recordingHandler();

    await handle(event, kplDeagg({ logger }));

    expect(seen.map(({ kinesis }) => kinesis.deaggregationError !== undefined)).toEqual([
      false,
      false,
      true,
      false,
    ]);
    expect(seen[2]!.kinesis.data).toBe(event.Records[1]!.kinesis.data);
    expect(logger.lines).toContainEqual([
      'warn',
      'Corrupt KPL aggregate',
      expect.objectContaining({ sequenceNumber: sequenceNumbers(event)[1] }),
    ]);
  });

  it("fails the invocation with onCorrupt: 'throw'", async () => {
    const { handle } = recordingHandler();

    await expect(
      handle(batchWithCorruptAggregate(), kplDeagg({ onCorrupt: 'throw' })),
    ).rejects.toThrow(KplDecodeError);
  });

  it("keeps them from the handler and reports their parents with onCorrupt: 'fail'", async () => {
    const event = batchWithCorruptAggregate();
    const { seen, handle } = recordingHandler((record) =>
      text(record.kinesis.data) === 'plain' ? record.kinesis.sequenceNumber : undefined,
    );

    const response = await handle(event, kplDeagg({ onCorrupt: 'fail' }));

    expect(seen.map(({ kinesis }) => text(kinesis.data))).toEqual(['good', 'fine', 'plain']);
    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: sequenceNumbers(event)[1] },
        { itemIdentifier: sequenceNumbers(event)[2] },
      ],
    });
  });

  it("creates the response when the handler returned none, with onCorrupt: 'fail'", async () => {
    const event = batchWithCorruptAggregate();
    const handler = middy<KinesisStreamEvent>()
      .use(kplDeagg({ onCorrupt: 'fail' }))
      .handler<KinesisStreamEvent>(async () => undefined);

    expect(await handler(event, context)).toEqual({
      batchItemFailures: [{ itemIdentifier: sequenceNumbers(event)[1] }],
    });
  });
});
