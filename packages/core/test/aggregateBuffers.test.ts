import { aggregate, deaggregateBytes, RecordAggregator } from '@kpl-lambda/core';

// Aggregates of 16 to 64 KiB are carved from shared slabs: none may share bytes with another,
// none may change once handed out, however many follow it, and none may keep alive more than 16
// times its size (or Node's own pool, for the smallest).
describe('the buffers of aggregates', () => {
  const userRecords = (first: number, count: number, bytes: number) =>
    Array.from({ length: count }, (_, i) => ({
      partitionKey: `key-${first + i}`,
      data: Buffer.alloc(bytes, (first + i) % 251),
    }));

  it('keeps every aggregate intact while later ones are written', () => {
    const aggregator = new RecordAggregator({ aggregationMaxBytes: 51_200 });
    const handedOut: { data: Uint8Array; copy: Buffer }[] = [];
    for (let batch = 0; batch < 60; batch++) {
      for (const userRecord of userRecords(batch * 30, 30, 1_000)) aggregator.add(userRecord);
      const aggregated = aggregator.flush();
      if (aggregated) handedOut.push({ data: aggregated.data, copy: Buffer.from(aggregated.data) });
    }
    // Enough to fill several slabs, so that a later aggregate would land on an earlier one's bytes.
    expect(handedOut.reduce((bytes, { data }) => bytes + data.length, 0)).toBeGreaterThan(
      4 * 256 * 1024,
    );
    for (const [batch, { data, copy }] of handedOut.entries()) {
      expect(Buffer.compare(Buffer.from(data), copy)).toBe(0);
      const records = deaggregateBytes(data, { partitionKey: 'p', sequenceNumber: '1' });
      expect(records.map(({ partitionKey }) => partitionKey)).toEqual(
        userRecords(batch * 30, 30, 1_000).map(({ partitionKey }) => partitionKey),
      );
    }
  });

  it('gives no two aggregates overlapping bytes, and none a buffer past 16 times its size', () => {
    const sizes = [10, 4_000, 16_500, 60_000, 70_000, 300_000, 100, 20_000, 65_000];
    const aggregates = sizes.flatMap((bytes, i) =>
      aggregate(userRecords(i * 2, 2, bytes / 2), { aggregateSingleRecord: true }),
    );
    const spans = aggregates
      .map(({ data }) => ({
        buffer: data.buffer,
        start: data.byteOffset,
        end: data.byteOffset + data.length,
      }))
      .sort((a, b) => a.start - b.start);
    for (const a of spans) {
      for (const b of spans) {
        if (a === b || a.buffer !== b.buffer) continue;
        expect(a.end <= b.start || b.end <= a.start).toBe(true);
      }
    }
    for (const { data } of aggregates) {
      expect(deaggregateBytes(data, { partitionKey: 'p', sequenceNumber: '1' })).toHaveLength(2);
      expect(data.buffer.byteLength).toBeLessThanOrEqual(
        Math.max(Buffer.poolSize, 16 * data.length),
      );
    }
  });
});
