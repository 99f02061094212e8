import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';

type Message = Record<string, unknown> & { action: string };

/**
 * The daemon's end of the pipes, in process: sends a message, answers each checkpoint request
 * with what `answer` says, and returns what the child wrote until its status reply. `transcript`
 * is every line it wrote, in order: the same input, written at once, gets the same replies.
 */
export function fakeDaemon(answer: (request: Message) => string | null = () => null) {
  const input = new PassThrough();
  const output = new PassThrough();
  const lines = createInterface({ input: output })[Symbol.asyncIterator]();
  const checkpoints: Message[] = [];
  const transcript: string[] = [];
  const writeLine = (line: string) => {
    transcript.push(line);
    input.write(`${line}\n`);
  };
  return {
    input,
    output,
    checkpoints,
    transcript,
    /** Sends a message and returns the child's replies to it, its status last. */
    async send(message: Message): Promise<Message[]> {
      writeLine(JSON.stringify(message));
      const replies: Message[] = [];
      for (;;) {
        const { value, done } = await lines.next();
        if (done) return replies;
        const reply = JSON.parse(value) as Message;
        replies.push(reply);
        if (reply.action === 'checkpoint') {
          checkpoints.push(reply);
          writeLine(
            JSON.stringify({
              action: 'checkpoint',
              sequenceNumber: reply.sequenceNumber,
              subSequenceNumber: reply.subSequenceNumber,
              error: answer(reply),
            }),
          );
        }
        if (reply.action === 'status') return replies;
      }
    },
    writeRaw(line: string) {
      writeLine(line);
    },
    end() {
      input.end();
    },
  };
}

/** A processRecords message of user records `seq`/`sub` with text data. */
export const processRecords = (records: Array<[string, number | null, string]>) => ({
  action: 'processRecords',
  millisBehindLatest: 0,
  records: records.map(([sequenceNumber, subSequenceNumber, text]) => ({
    data: Buffer.from(text).toString('base64'),
    partitionKey: 'k',
    sequenceNumber,
    subSequenceNumber,
    approximateArrivalTimestamp: 1_700_000_000_000,
  })),
});
