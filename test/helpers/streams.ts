// Writing an end-to-end test's records to a local stream; a record not written fails the test.
import { PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { LocalKinesis } from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { KinesisProducer, type ProducerRecord } from '@kpl-lambda/producer';

/** Puts user records with our producer, in aggregates of `aggregationMaxCount` at most. */
export async function produce(
  kinesis: LocalKinesis,
  streamName: string,
  records: Iterable<ProducerRecord>,
  aggregationMaxCount: number,
): Promise<void> {
  const producer = new KinesisProducer({ client: kinesis.client, streamName, aggregationMaxCount });
  producer.putMany(records);
  expect((await producer.flush()).undeliverable).toEqual([]);
}

/** Puts Kinesis records as they are, as many a call as PutRecords takes. */
export async function putRecords(
  kinesis: LocalKinesis,
  streamName: string,
  records: PutRecordsRequestEntry[],
): Promise<void> {
  for (let i = 0; i < records.length; i += 500) {
    const { FailedRecordCount } = await kinesis.client.send(
      new PutRecordsCommand({ StreamName: streamName, Records: records.slice(i, i + 500) }),
    );
    expect(FailedRecordCount).toBe(0);
  }
}
