// redrive() of a batch whose records the stream no longer has: kinesalite trims what is older
// than the stream's retention when it is read, so a clock moved past it trims the batch.
import { PutRecordsCommand, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { InMemoryCheckpointStore, KplRedriveRecordsMissingError } from '@kpl-lambda/checkpoints';
import { redrive } from '@kpl-lambda/checkpoints/redrive';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
import { batchInfoOf } from './helpers/batchInfoOf.js';
import { keepingTexts } from './helpers/keepingTexts.js';

/** Past the 24 hours a new stream keeps its records. */
const PAST_RETENTION_MS = 25 * 60 * 60 * 1000;

const kinesis = useLocalKinesis();
afterEach(() => jest.restoreAllMocks());

async function put(streamName: string, texts: string[]) {
  const { Records = [] } = await kinesis().client.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: texts.map((text) => ({ PartitionKey: 'k', Data: Buffer.from(text) })),
    }),
  );
  return Records;
}

/** Moves kinesalite's clock (the same process's `Date.now`) past the records' retention. */
function afterRetention() {
  const now = Date.now();
  jest.spyOn(Date, 'now').mockImplementation(() => now + PAST_RETENTION_MS);
}

/** Redrives the batch of `streamName` from `first` to `last`: what it threw, and what it ran. */
async function redriveBetween(
  streamName: string,
  first: PutRecordsResultEntry,
  last: PutRecordsResultEntry,
) {
  const ran: string[] = [];
  const error = await redrive({
    kinesis: kinesis().client,
    checkpoints: new InMemoryCheckpointStore(),
    batchInfo: batchInfoOf(streamName, first, last),
    handler: keepingTexts(ran),
  }).catch((caught: unknown) => caught);
  return { error, ran };
}

describe('redrive of records the stream no longer has', () => {
  it('fails closed when the batch was trimmed, having run nothing', async () => {
    await kinesis().createStream('trimmed-all', 1);
    const [first, last] = await put('trimmed-all', ['a', 'b']);
    afterRetention();

    const { error, ran } = await redriveBetween('trimmed-all', first!, last!);

    expect(error).toBeInstanceOf(KplRedriveRecordsMissingError);
    expect(error).toMatchObject({ sequenceNumber: first!.SequenceNumber });
    expect(ran).toEqual([]);
  });

  it('fails closed when the head of the batch was trimmed and later records are there', async () => {
    await kinesis().createStream('trimmed-head', 1);
    const [first] = await put('trimmed-head', ['old']);
    afterRetention();
    // Written "a day later": still retained, after the trimmed first record of the batch.
    const [, last] = await put('trimmed-head', ['new-1', 'new-2']);

    const { error, ran } = await redriveBetween('trimmed-head', first!, last!);

    expect(error).toBeInstanceOf(KplRedriveRecordsMissingError);
    expect((error as Error).message).toContain('no longer in the stream');
    expect(ran).toEqual([]);
  });
});
