// The path of one aggregate, shown before the counts: as it arrives, decoded, as the handler
// sees it, a failure reported and mapped back to the parent Lambda knows, and the retry with and
// without checkpoints.
import { Readable, Writable } from 'node:stream';
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import { main as kpl } from '@kpl-lambda/cli';
import { userRecordText } from '@kpl-lambda/core';
import { lambdaContext, lambdaKinesisRecord } from '@kpl-lambda/core/testing';
import kplDeagg from '@kpl-lambda/middy';
import { KinesisProducer } from '@kpl-lambda/producer';
import middy from '@middy/core';

/**
 * @param {{ client: import('@aws-sdk/client-kinesis').KinesisClient, streamName: string, say: (line: string) => void }} options
 */
export async function showOnePath({ client, streamName, say }) {
  const producer = new KinesisProducer({ client, streamName });
  for (const orderId of ['o-1', 'o-2', 'o-3']) {
    producer.put({ data: { orderId, poison: orderId === 'o-2' }, partitionKey: 'customer-7' });
  }
  await producer.flush();
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const [record] = (await client.send(new GetRecordsCommand({ ShardIterator }))).Records ?? [];
  const base64 = Buffer.from(record.Data).toString('base64');

  say('1. One Kinesis record, as Lambda hands it to a handler (kinesis.data, base64):');
  say(`   ${base64.slice(0, 72)}... (${record.Data.length} bytes)`);
  say('2. What it is (kpl inspect):');
  await kpl(['inspect', '--data', 'json'], {
    stdin: Readable.from([Buffer.from(base64)]),
    stdout: indented(process.stdout, '     '),
    stderr: process.stderr,
    env: process.env,
  });

  const event = {
    Records: [
      lambdaKinesisRecord({
        data: record.Data,
        partitionKey: record.PartitionKey,
        sequenceNumber: record.SequenceNumber,
        approximateArrivalTimestamp: 1,
        shardId: 'shardId-000000000000',
        eventSourceARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`,
        awsRegion: 'us-east-1',
      }),
    ],
  };
  const sequence = record.SequenceNumber;
  const short = (identifier) => identifier.replace(sequence, `${sequence.slice(0, 8)}…`);
  // A handler that keeps a customer's orders in order: it stops at a failure, and what follows
  // waits for the retry of the parent.
  const run = async (checkpoints) => {
    const fates = [];
    let handlerResponse;
    const handler = middy()
      .use(kplDeagg(checkpoints ? { checkpoints } : {}))
      .handler(async (incoming) => {
        handlerResponse = { batchItemFailures: [] };
        let stopped = false;
        for (const userRecord of incoming.Records) {
          const { sequenceNumber, subSequenceNumber } = userRecord.kinesis;
          const line = `${short(sequenceNumber)}:${subSequenceNumber} ${userRecordText(userRecord)}`;
          if (stopped) {
            fates.push(`${line}  not run: after a failure the rest waits, in order`);
          } else if (JSON.parse(userRecordText(userRecord)).poison) {
            fates.push(`${line}  FAILED (poison)`);
            handlerResponse.batchItemFailures.push({
              itemIdentifier: `${sequenceNumber}:${subSequenceNumber}`,
            });
            stopped = true;
          } else {
            fates.push(`${line}  done`);
          }
        }
        return handlerResponse;
      });
    const toLambda = await handler(structuredClone(event), lambdaContext());
    return { fates, handlerResponse, toLambda };
  };

  const first = await run();
  say('3. The handler gets every user record (sequence number:sub-sequence number, data):');
  for (const line of first.fates) say(`     ${line}`);
  say(`4. It reports the poison user record: ${short(JSON.stringify(first.handlerResponse))}`);
  say(
    `   kplDeagg tells Lambda its parent, the only record Lambda knows: ${short(JSON.stringify(first.toLambda))}`,
  );
  say('5. Lambda delivers that parent again, all of it. Without checkpoints:');
  for (const line of (await run()).fates) say(`     ${line}`);
  say('   o-1 ran twice: Lambda cannot retry part of a record.');
  const store = new InMemoryCheckpointStore();
  await run(store);
  say('   With checkpoints (@kpl-lambda/checkpoints), what was done is skipped:');
  for (const line of (await run(store)).fates) say(`     ${line}`);
  say('   o-3 runs once the poison is fixed, or is given up with it (see the redrive below).');
}

/** A stream that writes every line it is given indented. */
function indented(stream, prefix) {
  return new Writable({
    write(chunk, _encoding, done) {
      stream.write(String(chunk).replace(/^(?=.)/gm, prefix));
      done();
    },
  });
}
