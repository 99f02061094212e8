import { KinesisProducer } from '@kpl-lambda/producer';
const quarter = 2n ** 126n;
const shards = Array.from({ length: 4 }, (_, i) => ({ ShardId: `s${i}`, HashKeyRange: { StartingHashKey: (quarter * BigInt(i)).toString(), EndingHashKey: (quarter * BigInt(i + 1) - 1n).toString() }, SequenceNumberRange: { StartingSequenceNumber: '1' } }));
const client = { async send(c) { if (c.constructor.name === 'ListShardsCommand') return { Shards: shards }; return { FailedRecordCount: 0, Records: c.input.Records.map(() => ({ SequenceNumber: '1', ShardId: 's0' })) }; } };
const mode = process.argv[2];
const recs = Array.from({ length: 100000 }, (_, i) => ({ partitionKey: mode === 'unique' ? `key-${i}-${Math.random()}` : `partition-key-${i % 1000}`, data: Buffer.alloc(100, i % 256) }));
async function run() { const p = new KinesisProducer({ client, streamName: 'b' }); for (const r of recs) p.put(r); await p.flush(); }
for (let i = 0; i < 5; i++) await run();
const t = process.hrtime.bigint(); for (let i = 0; i < 20; i++) await run(); console.log(mode, Number(process.hrtime.bigint() - t) / 1e6 / 20, 'ms per 100k');
