// Records put without a partition key on a stream placed by key, against the local Kinesis: each
// gets a key of its own, whether it is put once the stream is known or before.
import { KinesisProducer } from '@kpl-lambda/producer';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
import { readStream } from './helpers/readStream.js';

const kinesis = useLocalKinesis();
let streams = 0;

const newStream = async (shards: number) => {
  const name = `keyless-${++streams}`;
  await kinesis().createStream(name, shards);
  return name;
};

const MAX_HASH_KEY = (2n ** 128n - 1n).toString();

describe('a record put without a partition key, on a stream placed by key', () => {
  it('gets a random key of its own once the stream is known, so that keyless records spread', async () => {
    const streamName = await newStream(2);
    const producer = new KinesisProducer({ client: kinesis().client, streamName });
    await producer.ready();

    for (let i = 0; i < 20; i++) producer.put({ data: `keyless-${i}` });
    expect((await producer.flush()).undeliverable).toEqual([]);

    const written = (await readStream(kinesis().client, streamName)).flatMap(
      ({ userRecords }) => userRecords,
    );
    expect(written).toHaveLength(20);
    const keys = new Set(written.map(({ partitionKey }) => partitionKey));
    expect(keys.size).toBe(20);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('goes to the shard its explicit hash key names, when put before the stream is known', async () => {
    const streamName = await newStream(2);
    const producer = new KinesisProducer({ client: kinesis().client, streamName });

    producer.put({ data: 'low', explicitHashKey: '0' });
    producer.put({ data: 'high', explicitHashKey: MAX_HASH_KEY });
    expect((await producer.flush()).undeliverable).toEqual([]);

    const contents = await readStream(kinesis().client, streamName);
    const text = (data: Uint8Array) => Buffer.from(data).toString();
    expect(contents.map(({ userRecords }) => userRecords.map(({ data }) => text(data)))).toEqual([
      ['low'],
      ['high'],
    ]);
  });
});
