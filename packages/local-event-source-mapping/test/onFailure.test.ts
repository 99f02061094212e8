// What the on-failure destination gets for a batch given up on partial failures: the function
// answered, so no functionError, as from Lambda.
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisOnFailureRecord } from '@kpl-lambda/local-event-source-mapping';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { mappingsOf } from './helpers/mappingsOf.js';

let kinesis: LocalKinesis;
beforeAll(async () => {
  kinesis = await startLocalKinesis();
});
afterAll(() => kinesis.stop());

const mapping = mappingsOf(() => kinesis);

describe('onFailure of a batch given up on partial failures', () => {
  it('sends the records from the first failed one on, without functionError', async () => {
    await kinesis.createStream('partial', 1);
    const { Records: written = [] } = await kinesis.client.send(
      new PutRecordsCommand({
        StreamName: 'partial',
        Records: ['r0', 'r1', 'r2'].map((text) => ({ PartitionKey: 'k', Data: Buffer.from(text) })),
      }),
    );
    const givenUp: KinesisOnFailureRecord[] = [];

    await mapping('partial', {
      maximumRetryAttempts: 1,
      functionResponseTypes: ['ReportBatchItemFailures'],
      handler: async (event: KinesisStreamEvent) => ({
        batchItemFailures: event.Records.filter(
          (record) => record.kinesis.sequenceNumber === written[1]!.SequenceNumber,
        ).map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })),
      }),
      onFailure: (record) => void givenUp.push(record),
    }).drain();

    expect(givenUp).toHaveLength(1);
    expect(givenUp[0]!.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
    expect(givenUp[0]!.KinesisBatchInfo).toMatchObject({
      startSequenceNumber: written[1]!.SequenceNumber,
      endSequenceNumber: written[2]!.SequenceNumber,
      batchSize: 2,
    });
  });
});
