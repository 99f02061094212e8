// Our producer's output, read by the real KCL 3.1.3 deaggregator (test/kcl3) as the KCL reads a
// shard: with its filter on, which drops a whole aggregate holding a user record of another shard.
// The same user records as test/kpl-interop.test.ts (explicit hash keys included, 4 shards), written
// as by default, and with orderedGroupsPerShard (aggregates under their group's partition key,
// routed by an explicit hash key). Needs Java 17 and Maven; without them it is skipped, saying why.
import { isAggregated } from '@kpl-lambda/core';
import { resolveJars, useLocalKinesis, whyNoJava } from '@kpl-lambda/testing-utils';
import {
  account,
  type DeliveredUserRecord,
  interopRecords,
  type ReadShard,
  writeWithOurProducer,
} from './helpers/interopRecords.js';
import { KCL3_DIRECTORY, kclDeaggregate } from './helpers/kclDeaggregate.js';

const records = interopRecords(5_000);
const noKcl = whyNoJava() ?? resolveJars(KCL3_DIRECTORY);
if (noKcl !== undefined) console.warn(`${noKcl}: the KCL 3 reading our producer is SKIPPED.`);

const kinesis = useLocalKinesis();
let ours: ReadShard[];
let ordered: ReadShard[];
beforeAll(async () => {
  await kinesis().createStream('ours', 4);
  ours = await writeWithOurProducer(kinesis().client, 'ours', records);
  await kinesis().createStream('ordered', 4);
  ordered = await writeWithOurProducer(kinesis().client, 'ordered', records, {
    orderedGroupsPerShard: 4,
  });
});

(noKcl === undefined ? describe : describe.skip)('our producer, read by the real KCL 3.1.3', () => {
  it.each([
    ['by default', () => ours],
    ['with orderedGroupsPerShard', () => ordered],
  ])(
    'hands every user record once, byte for byte, with its keys, each within its shard: no aggregate dropped (%s)',
    (_, written) => {
      const parents = written().flatMap((shard) =>
        shard.records.map((record) => ({ shard, record })),
      );
      const views = kclDeaggregate(
        parents.map(({ shard, record }) => ({
          data: record.Data!,
          hashKeyRange: { start: shard.start, end: shard.end },
        })),
      );
      const delivered = views.flatMap((view, i): DeliveredUserRecord[] => {
        const { record } = parents[i]!;
        const sequenceNumber = record.SequenceNumber!;
        if ('raw' in view) {
          return [
            {
              partitionKey: record.PartitionKey!,
              data: record.Data!,
              sequenceNumber,
              subSequenceNumber: 0,
              aggregated: false,
            },
          ];
        }
        if ('error' in view) throw new Error(`The KCL failed on ${sequenceNumber}: ${view.error}`);
        return view.records.map((userRecord) => ({
          partitionKey: userRecord.p,
          explicitHashKey: userRecord.e ?? undefined,
          data: Buffer.from(userRecord.d, 'base64'),
          sequenceNumber,
          subSequenceNumber: userRecord.s,
          aggregated: true,
        }));
      });
      const { missing, duplicated, unknown, subSequenceGaps } = account(records, delivered);
      expect({ missing, duplicated, unknown, subSequenceGaps }).toEqual({
        missing: [],
        duplicated: [],
        unknown: 0,
        subSequenceGaps: [],
      });
    },
  );

  it("reads aggregates under the groups' partition keys with orderedGroupsPerShard, every one of them", () => {
    const parentKeys = ordered.flatMap((shard) =>
      shard.records.map((record) => record.PartitionKey),
    );
    expect(new Set(parentKeys)).toEqual(
      new Set([0, 1, 2, 3].map((group) => `ordered-group-${group}`)),
    );
  });

  it('drops an aggregate read as one of another shard: the filter the test above passes is on', () => {
    const [first, second] = ours;
    const views = kclDeaggregate(
      first!.records
        .filter((record) => isAggregated(record.Data!))
        .map((record) => ({
          data: record.Data!,
          hashKeyRange: { start: second!.start, end: second!.end },
        })),
    );
    expect(views.length).toBeGreaterThan(0);
    expect(views.filter((view) => !('records' in view) || view.records.length > 0)).toEqual([]);
  });
});
