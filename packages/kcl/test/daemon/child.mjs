// The child process the real daemon runs per shard lease, built on @kpl-lambda/kcl: it appends
// each user record it processes, and each lease event, to KCL_OUT, checkpoints every 100, and,
// when KCL_HANG_AFTER is set, stops answering after that many user records (a process killed
// mid-aggregate) until the file KCL_RELEASE exists, if it is set.
import { appendFileSync, existsSync } from 'node:fs';
import { start } from '@kpl-lambda/kcl';

const out = process.env.KCL_OUT;
const hangAfter = Number(process.env.KCL_HANG_AFTER ?? Number.POSITIVE_INFINITY);
const release = process.env.KCL_RELEASE;
/** Resolves once the file KCL_RELEASE exists; without KCL_RELEASE, never. */
const released = () =>
  new Promise((resolve) => {
    if (release === undefined) return;
    const poll = setInterval(() => existsSync(release) && resolve(clearInterval(poll)), 100);
  });
let shardId = '';
let processed = 0;
const write = (line) => appendFileSync(out, `${JSON.stringify(line)}\n`);
await start(
  {
    initialize: (input) => {
      shardId = input.shardId;
      write({ initialize: input });
    },
    processRecord: async (record) => {
      if (processed === hangAfter) await released();
      processed++;
      const { partitionKey, sequenceNumber, subSequenceNumber } = record;
      const data = JSON.parse(Buffer.from(record.data).toString());
      write({ shardId, partitionKey, sequenceNumber, subSequenceNumber, ...data });
    },
    shardEnded: () => write({ shardEnded: shardId }),
    leaseLost: () => write({ leaseLost: shardId }),
    shutdownRequested: () => write({ shutdownRequested: shardId }),
  },
  { checkpointEveryRecords: 100 },
);
