// Requests to the local Kinesis that no SDK sends: each is answered as kinesalite (and Kinesis)
// answers it, never taken for a success, and a throttled stream stays throttled.
import { connect } from 'node:net';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';

let kinesis: LocalKinesis;
beforeAll(async () => {
  kinesis = await startLocalKinesis({
    shardWriteLimits: { bytesPerSecond: 1_048_576, recordsPerSecond: 2 },
  });
});
afterAll(() => kinesis.stop());

/** POSTs `body` to the local Kinesis as the action `target`: the status and the JSON answer. */
async function post(target: string | undefined, body: string) {
  const response = await fetch(kinesis.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(target === undefined ? {} : { 'x-amz-target': target }),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as { __type?: string } };
}

describe('the local Kinesis, given requests no SDK sends', () => {
  it('refuses a request without an action, or with one it does not know', async () => {
    for (const target of [undefined, 'PutRecords']) {
      const { status, body } = await post(target, '{}');
      expect(status).toBe(400);
      expect(body.__type).toMatch(/UnknownOperationException/);
    }
  });

  it('refuses a request without a body, or a stream', async () => {
    const { status, body } = await post('Kinesis_20131202.SplitShard', '');
    expect(status).toBe(400);
    expect(body.__type).toMatch(/SerializationException|ValidationException/);
  });

  it('refuses PutRecords without records, as Kinesis does', async () => {
    await kinesis.createStream('no-records', 1);
    for (const records of ['', ', "Records": []']) {
      const { status, body } = await post(
        'Kinesis_20131202.PutRecords',
        `{"StreamName": "no-records"${records}}`,
      );
      expect(status).toBe(400);
      expect(body.__type).toMatch(/ValidationException/);
    }
  });

  it('refuses records without data or partition key, whose size it takes for none', async () => {
    await kinesis.createStream('no-fields', 1);
    const { status, body } = await post(
      'Kinesis_20131202.PutRecords',
      '{"StreamName": "no-fields", "Records": [{}]}',
    );
    expect(status).toBe(400);
    expect(body.__type).toMatch(/ValidationException/);
  });

  it('throttles a stream written to before it was created', async () => {
    const Records = ['a', 'b', 'c'].map((text) => ({ PartitionKey: 'k', Data: Buffer.from(text) }));
    await expect(
      kinesis.client.send(new PutRecordsCommand({ StreamName: 'later', Records })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await kinesis.createStream('later', 1);

    const { FailedRecordCount } = await kinesis.client.send(
      new PutRecordsCommand({ StreamName: 'later', Records }),
    );

    expect(FailedRecordCount).toBe(1);
  });

  it("limits each stream's shards apart, though their ids are the same", async () => {
    await kinesis.createStream('first', 1);
    await kinesis.createStream('second', 1);
    const Records = ['a', 'b'].map((text) => ({ PartitionKey: 'k', Data: Buffer.from(text) }));

    const failed = [];
    for (const StreamName of ['first', 'second']) {
      const answer = await kinesis.client.send(new PutRecordsCommand({ StreamName, Records }));
      failed.push(answer.FailedRecordCount);
    }

    expect(failed).toEqual([0, 0]);
  });

  it('waits for more of a request whose first byte comes alone', async () => {
    const { port } = new URL(kinesis.endpoint);
    const socket = connect({ port: Number(port), host: '127.0.0.1', noDelay: true });
    await new Promise((resolve) => socket.once('connect', resolve));
    const answer = new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const request =
      'POST / HTTP/1.1\r\nHost: local\r\nx-amz-target: Kinesis_20131202.ListStreams\r\n' +
      'content-type: application/x-amz-json-1.1\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}';
    // The server reads the request's first bytes before it knows which HTTP it speaks.
    await new Promise((resolve) => socket.write(request.slice(0, 1), resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write(request.slice(1));

    expect(await answer).toMatch(/^HTTP\/1\.1 200 [\s\S]*"StreamNames":\[/);
  });
});
