import {
  BATCH_METRIC_NAMES,
  type BatchMetrics,
  DECODE_METRIC_NAMES,
  KplConfigurationError,
} from '@kpl-lambda/core';
import {
  addBatchMetrics,
  addMetrics,
  assertCheckpointStore,
  assertMetrics,
} from '@kpl-lambda/core/internal';

const counts: BatchMetrics = {
  parentRecords: 2,
  userRecords: 0,
  aggregatedUserRecords: 0,
  corruptAggregates: 0,
  skippedByCheckpoints: 0,
  failedUserRecords: 0,
  parentsReported: 0,
};

describe('addBatchMetrics', () => {
  it('adds every metric once, the aggregated share 0 for a batch without user records', () => {
    const added: Array<[string, string, number]> = [];
    addBatchMetrics({ addMetric: (...metric) => added.push(metric) }, counts, () => {});
    expect(added.map(([name]) => name).sort()).toEqual(Object.values(BATCH_METRIC_NAMES).sort());
    expect(added).toContainEqual(['KplAggregatedShare', 'Percent', 0]);
    expect(added).toContainEqual(['KplParentRecords', 'Count', 2]);
  });

  it('adds the aggregated share as the percentage of user records that came out of aggregates', () => {
    const added: Array<[string, string, number]> = [];
    addBatchMetrics(
      { addMetric: (...metric) => added.push(metric) },
      { ...counts, userRecords: 8, aggregatedUserRecords: 6 },
      () => {},
    );
    expect(added).toContainEqual(['KplAggregatedShare', 'Percent', 75]);
  });

  it('adds the decode metrics only when the counts have them', () => {
    const added: Array<[string, string, number]> = [];
    addBatchMetrics(
      { addMetric: (...metric) => added.push(metric) },
      { ...counts, decodedRecords: 12, payloadDecodeFailures: 1 },
      () => {},
    );
    expect(added.map(([name]) => name).sort()).toEqual(
      [...Object.values(BATCH_METRIC_NAMES), ...Object.values(DECODE_METRIC_NAMES)].sort(),
    );
    expect(added).toContainEqual(['KplDecodedRecords', 'Count', 12]);
    expect(added).toContainEqual(['KplPayloadDecodeFailures', 'Count', 1]);
  });

  it('hands what a throwing Metrics throws to onError, and does nothing without one', () => {
    const errors: unknown[] = [];
    const full = new Error('full');
    addBatchMetrics(
      {
        addMetric: () => {
          throw full;
        },
      },
      counts,
      (error) => errors.push(error),
    );
    expect(errors).toEqual([full]);
    expect(() =>
      addBatchMetrics(undefined, counts, () => {
        throw new Error('not called');
      }),
    ).not.toThrow();
  });
});

describe('addMetrics', () => {
  it('absorbs a sink whose addMetric rejects, handing the error to onError once', async () => {
    const errors: unknown[] = [];
    const down = new Error('metrics endpoint down');
    const added: string[] = [];
    addMetrics(
      {
        addMetric: async (name) => {
          added.push(name);
          throw down;
        },
      },
      [
        ['A', 'Count', 1],
        ['B', 'Count', 2],
      ],
      (error) => errors.push(error),
    );
    await new Promise((resolve) => setImmediate(resolve));

    expect(added).toEqual(['A', 'B']);
    expect(errors).toEqual([down]);
  });

  it('survives an onError that throws, for a throwing and a rejecting sink alike', async () => {
    const onError = () => {
      throw new Error('logger down too');
    };
    expect(() =>
      addMetrics({ addMetric: () => Promise.reject(new Error('x')) }, [['A', 'Count', 1]], onError),
    ).not.toThrow();
    expect(() =>
      addMetrics(
        {
          addMetric: () => {
            throw new Error('x');
          },
        },
        [['A', 'Count', 1]],
        onError,
      ),
    ).not.toThrow();
    // An unhandled rejection would fail this test file (Jest reports it).
    await new Promise((resolve) => setImmediate(resolve));
  });
});

describe('assertMetrics and assertCheckpointStore', () => {
  it('take what has the methods, or nothing, and name the option of anything else', () => {
    expect(() => assertMetrics(undefined)).not.toThrow();
    expect(() => assertMetrics({ addMetric: () => {} })).not.toThrow();
    expect(() =>
      assertCheckpointStore({ load: async () => [], save: async () => {} }),
    ).not.toThrow();
    for (const wrong of [null, {}, { addMetric: 1 }]) {
      expect(() => assertMetrics(wrong)).toThrow(
        expect.objectContaining({ option: 'metrics', message: expect.stringMatching(/addMetric/) }),
      );
    }
    expect(() => assertCheckpointStore({ load: async () => [] })).toThrow(KplConfigurationError);
    expect(() => assertCheckpointStore(null)).toThrow('checkpoints must be a CheckpointStore');
  });
});
