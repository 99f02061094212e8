// Core's deaggregation against the real KCL 3.1.3 deaggregator (software.amazon.kinesis's
// AggregatorUtil, run by test/kcl3/Deaggregate.java) on the same bytes: hand-made corrupt and
// lenient aggregates, the real KPL's output, and thousands of seeded mutations of valid ones.
// Every difference must be one of the classes the core README lists. Needs Java 17 and Maven;
// without them it is skipped, loudly.
import { aggregate, deaggregateBytes, MAX_HASH_KEY, type UserRecord } from '@kpl-lambda/core';
import {
  CORRUPT_AGGREGATE_BODIES,
  data,
  explicitHashKeyEntry,
  explicitHashKeyIndex,
  frame,
  LENIENT_AGGREGATE_BODIES,
  loadKplVectors,
  partitionKeyEntry,
  partitionKeyIndex,
  recordEntry,
  resolveJars,
  VALID_AGGREGATE_BODY,
  whyNoJava,
} from '@kpl-lambda/testing-utils';
import fc from 'fast-check';
import { KCL3_DIRECTORY, type KclView, kclDeaggregate } from './helpers/kclDeaggregate.js';

const noJava = whyNoJava();
if (noJava !== undefined) {
  console.warn(`${noJava}: the KCL 3 deaggregation tests are SKIPPED.`);
}
const describeWithJava = noJava === undefined ? describe : describe.skip;

/** Seeded mutations of valid aggregates: bytes changed, inserted, removed, or cut; digest fixed. */
function mutatedAggregates(count: number): Buffer[] {
  const userRecord = fc.record(
    {
      partitionKey: fc.string({ minLength: 1, maxLength: 8 }),
      data: fc.uint8Array({ maxLength: 12 }),
      explicitHashKey: fc.bigInt(0n, MAX_HASH_KEY).map(String),
    },
    { requiredKeys: ['partitionKey', 'data'] },
  );
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.nat(255) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 11 }),
    }),
    fc.record({
      kind: fc.constant('remove' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 4 }),
    }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  );
  const cases = fc.sample(
    fc.tuple(
      fc.array(userRecord, { minLength: 1, maxLength: 5 }),
      fc.array(mutation, { minLength: 1, maxLength: 3 }),
    ),
    { numRuns: count, seed: 40_2026 },
  );
  return cases.map(([userRecords, mutations]) => {
    const [built] = aggregate(userRecords, { aggregateSingleRecord: true });
    // The protobuf body: between the 4 magic bytes and the 16-byte digest.
    let body = [...built!.data.subarray(4, built!.data.length - 16)];
    for (const change of mutations) {
      const at = change.at % (body.length + 1);
      if (change.kind === 'set') body[at % body.length] = change.byte;
      else if (change.kind === 'insert') body.splice(at, 0, ...change.bytes);
      else if (change.kind === 'remove') body.splice(at, change.length);
      else body = body.slice(0, at);
    }
    return frame(body);
  });
}

/** Where core and the KCL may differ, by core's reason: the classes the core README lists. */
function differenceClass(ours: UserRecord[], kcl: KclView): string | undefined {
  const reason = ours[0]?.deaggregationErrorReason;
  if (reason === undefined) return 'none allowed';
  if ('raw' in kcl) return undefined;
  if (reason === 'INDEX_OUT_OF_RANGE') {
    // Its message for a bad index needs javax.xml.bind, which Java 11+ lacks and the KCL does
    // not bring: the deaggregator throws. An index of 2^32 or more it reads as its low 32 bits.
    if ('error' in kcl) return `index outside its table: the KCL throws ${kcl.error}`;
    return 'index outside its table: the KCL reads its low 32 bits';
  }
  if (reason === 'INVALID_EXPLICIT_HASH_KEY') {
    // It routes each user record by its hash key: one it cannot parse fails as a bad index
    // does; one outside the hash key space drops the whole aggregate, silently.
    if ('error' in kcl) return `unreadable explicit hash key: the KCL throws ${kcl.error}`;
    if ('records' in kcl && kcl.records.length === 0) {
      return 'explicit hash key out of range: the KCL hands nothing';
    }
  }
  if (reason === 'NO_RECORDS' && 'records' in kcl && kcl.records.length === 0) {
    return 'no user records: the KCL hands nothing';
  }
  return 'none allowed';
}

/** Our view in the KCL's terms, for a record core does not call corrupt. */
function asKclView(data: Uint8Array, ours: UserRecord[]): KclView {
  if (ours.length === 1 && !ours[0]!.aggregated) {
    expect(Buffer.from(ours[0]!.data)).toEqual(Buffer.from(data));
    return { raw: true };
  }
  return {
    records: ours.map((record) => ({
      p: record.partitionKey ?? null,
      e: record.explicitHashKey ?? null,
      d: Buffer.from(record.data).toString('base64'),
      s: record.subSequenceNumber,
    })),
  };
}

describeWithJava('core against the real KCL 3.1.3 deaggregator', () => {
  beforeAll(() => {
    const unresolved = resolveJars(KCL3_DIRECTORY);
    if (unresolved !== undefined) throw new Error(unresolved);
  }, 320_000);

  const handMade: Array<[string, Buffer]> = [
    ['a valid aggregate', frame(VALID_AGGREGATE_BODY)],
    ...LENIENT_AGGREGATE_BODIES.map(([name, body]): [string, Buffer] => [
      `lenient: ${name}`,
      frame(body),
    ]),
    ...CORRUPT_AGGREGATE_BODIES.map(([name, body]): [string, Buffer] => [
      `corrupt: ${name}`,
      frame(body),
    ]),
    ...loadKplVectors().map((vector): [string, Buffer] => [
      `KPL: ${vector.name}`,
      Buffer.from(vector.data, 'base64'),
    ]),
    ['a plain record', Buffer.from('not an aggregate')],
    ...['+5', '007', '-0', '340282366920938463463374607431768211455'].map(
      (key): [string, Buffer] => [
        `explicit hash key ${key}`,
        frame([
          ...partitionKeyEntry('pk'),
          ...explicitHashKeyEntry(key),
          ...recordEntry([...partitionKeyIndex(0), ...explicitHashKeyIndex(0), ...data('x')]),
        ]),
      ],
    ),
  ];

  it('agrees on every hand-made aggregate and real KPL record, but for the listed classes', () => {
    const kcl = kclDeaggregate(handMade.map(([, data]) => data));
    const differences: string[] = [];
    handMade.forEach(([name, data], i) => {
      const ours = deaggregateBytes(data, { partitionKey: 'outer' });
      if (ours[0]?.deaggregationError !== undefined) {
        const difference = differenceClass(ours, kcl[i]!);
        if (difference !== undefined) differences.push(`${name}: ${difference}`);
        return;
      }
      expect({ name, view: kcl[i] }).toEqual({ name, view: asKclView(data, ours) });
    });

    expect(differences).toEqual([
      'corrupt: a partition key index outside its table: index outside its table: the KCL throws java.lang.NoClassDefFoundError',
      'corrupt: an explicit hash key index into an empty table: index outside its table: the KCL throws java.lang.NoClassDefFoundError',
      'corrupt: an index of 2^32: index outside its table: the KCL reads its low 32 bits',
      'corrupt: an index of 2^63 in a 10-byte varint: index outside its table: the KCL reads its low 32 bits',
      'corrupt: no user record at all: no user records: the KCL hands nothing',
      'corrupt: an explicit hash key "12a": unreadable explicit hash key: the KCL throws java.lang.NoClassDefFoundError',
      'corrupt: an explicit hash key "": unreadable explicit hash key: the KCL throws java.lang.NoClassDefFoundError',
      'corrupt: an explicit hash key " 5": unreadable explicit hash key: the KCL throws java.lang.NoClassDefFoundError',
      'corrupt: an explicit hash key "340282366920938463463374607431768211456": explicit hash key out of range: the KCL hands nothing',
      'corrupt: an explicit hash key "-1": explicit hash key out of range: the KCL hands nothing',
    ]);
  });

  it('agrees on 5,000 seeded mutations of valid aggregates, but for the listed classes', () => {
    const corpus = mutatedAggregates(5_000);
    const kcl = kclDeaggregate(corpus);
    const counts: Record<string, number> = {};
    corpus.forEach((data, i) => {
      const ours = deaggregateBytes(data, { partitionKey: 'outer' });
      const outcome =
        ours[0]?.deaggregationError === undefined
          ? 'same'
          : (differenceClass(ours, kcl[i]!) ?? 'both refuse');
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      if (outcome === 'same') expect(kcl[i]).toEqual(asKclView(data, ours));
      else expect({ i, outcome }).not.toEqual({ i, outcome: 'none allowed' });
    });
    console.info('core against KCL 3.1.3 on 5,000 mutated aggregates:', counts);
    // Both outcomes are exercised in numbers: the comparison says something about each.
    expect(counts.same).toBeGreaterThan(100);
    expect(counts['both refuse']).toBeGreaterThan(1_000);
  });
});
