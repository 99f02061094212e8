import {
  aggregate,
  deaggregateBytes,
  deaggregateRecords,
  deaggregateSdkRecords,
  iterDeaggregateRecords,
  KplConfigurationError,
  MAX_TIMER_MS,
  RecordAggregator,
} from '@kpl-lambda/core';
import {
  assertIntegerIn,
  assertKnownOptions,
  assertOneOf,
  assertTimerMs,
  assertTypeOf,
  closestNames,
  deaggregationModeOf,
  shown,
} from '@kpl-lambda/core/internal';
import {
  aggregatedRecord,
  corruptAggregatedRecord,
  kinesisStreamEvent,
  lambdaContext,
  plainRecord,
} from '@kpl-lambda/core/testing';

/** What `call` throws, or undefined. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('assertKnownOptions', () => {
  const known = ['onCorrupt', 'filter', 'logger', 'checkpoints', 'metrics'];

  it.each([
    ['onCorupt', 'onCorrupt'],
    ['oncorrupt', 'onCorrupt'],
    ['loger', 'logger'],
    ['metric', 'metrics'],
    ['checkpoint', 'checkpoints'],
  ])('names the unknown key %s and suggests %s', (key, closest) => {
    const error = thrownBy(() => assertKnownOptions({ [key]: 'throw' }, known));
    expect(error).toBeInstanceOf(KplConfigurationError);
    expect(error).toMatchObject({
      option: key,
      message: `Unknown option ${key}: did you mean ${closest}?`,
    });
  });

  it('suggests the options that share the longest start with a key far from any', () => {
    const producer = ['maxBufferedMs', 'maxBufferedRecords', 'maxBufferedBytes', 'maxAttempts'];
    expect(
      thrownBy(() => assertKnownOptions({ maxBufferedMilliseconds: 10 }, producer)),
    ).toMatchObject({
      message: 'Unknown option maxBufferedMilliseconds: did you mean maxBufferedMs?',
    });
    const kcl = ['checkpointEveryRecords', 'checkpointEverySeconds', 'maxAttempts'];
    expect(thrownBy(() => assertKnownOptions({ checkpointEvery: 100 }, kcl))).toMatchObject({
      message:
        'Unknown option checkpointEvery: did you mean checkpointEveryRecords or checkpointEverySeconds?',
    });
  });

  it.each(['zzz', 'x', 'a1'])('lists the options when nothing is near %s', (key) => {
    expect(thrownBy(() => assertKnownOptions({ [key]: 1 }, ['a', 'b']))).toMatchObject({
      option: key,
      message: `Unknown option ${key}; the options are a, b`,
    });
  });

  it('takes known keys (undefined values included), no options, and refuses what is not an object', () => {
    expect(() =>
      assertKnownOptions({ onCorrupt: undefined, logger: console }, known),
    ).not.toThrow();
    expect(() => assertKnownOptions(undefined, known)).not.toThrow();
    expect(() => assertKnownOptions(null, known)).not.toThrow();
    expect(thrownBy(() => assertKnownOptions('throw', known))).toMatchObject({ option: 'options' });
    expect(thrownBy(() => assertKnownOptions([1], known))).toMatchObject({ option: 'options' });
  });

  it('uses the package error factory it is given', () => {
    class PackageError extends KplConfigurationError {}
    const error = thrownBy(() =>
      assertKnownOptions(
        { x: 1 },
        known,
        (option, message) => new PackageError(message, { option }),
      ),
    );
    expect(error).toBeInstanceOf(PackageError);
  });
});

describe('closestNames', () => {
  it('gives the names a key is a typo of, and none when nothing is near', () => {
    const methods = ['initialize', 'processRecord', 'processRecords', 'shutdownRequested'];
    expect(closestNames('processRecrod', methods)).toEqual(['processRecord']);
    expect(closestNames('shutdown_requested', methods)).toEqual(['shutdownRequested']);
    expect(closestNames('save', methods)).toEqual([]);
  });
});

describe("core's own options refuse unknown keys", () => {
  const event = kinesisStreamEvent([plainRecord({ partitionKey: 'k', data: 'x' })]);
  const typo = { onCorupt: 'throw' } as never;

  it.each<[string, () => unknown]>([
    ['deaggregateRecords', () => deaggregateRecords(event.Records, typo)],
    ['iterDeaggregateRecords', () => [...iterDeaggregateRecords(event.Records, typo)]],
    ['deaggregateBytes', () => deaggregateBytes(Buffer.from('x'), { partitionKey: 'k' }, typo)],
    ['deaggregateSdkRecords', () => deaggregateSdkRecords([], typo)],
    ['aggregate', () => aggregate([], { maxByte: 10 } as never)],
    ['RecordAggregator', () => new RecordAggregator({ maxRecord: 10 } as never)],
    ['aggregatedRecord', () => aggregatedRecord([{ partitionKey: 'k', data: 'x' }], typo)],
    [
      'plainRecord',
      () => plainRecord({ partitionKey: 'k', data: 'x' }, { partitionKey: 'k' } as never),
    ],
    ['corruptAggregatedRecord', () => corruptAggregatedRecord(typo)],
    ['kinesisStreamEvent', () => kinesisStreamEvent([], { shardID: 's' } as never)],
    ['lambdaContext', () => lambdaContext({ timeout: 5 } as never)],
  ])('%s', (_, call) => {
    expect(thrownBy(call)).toBeInstanceOf(KplConfigurationError);
  });
});

describe('assertTimerMs', () => {
  it('takes whole milliseconds up to the longest timer, and Infinity where never is allowed', () => {
    expect(() => assertTimerMs('t', undefined)).not.toThrow();
    expect(() => assertTimerMs('t', 0)).not.toThrow();
    expect(() => assertTimerMs('t', MAX_TIMER_MS)).not.toThrow();
    expect(() => assertTimerMs('t', Number.POSITIVE_INFINITY, { never: true })).not.toThrow();
  });

  it.each([MAX_TIMER_MS + 1, 2 ** 40, Number.POSITIVE_INFINITY, -1, 1.5, Number.NaN, '10'])(
    'refuses %p',
    (value) => {
      expect(thrownBy(() => assertTimerMs('maxBufferedMs', value))).toMatchObject({
        option: 'maxBufferedMs',
        message: expect.stringContaining('the longest a timer waits'),
      });
    },
  );

  it('refuses less than min', () => {
    expect(thrownBy(() => assertTimerMs('t', 0, { min: 1 }))).toBeInstanceOf(KplConfigurationError);
  });

  it('names Infinity among what it takes where never is allowed', () => {
    expect(thrownBy(() => assertTimerMs('idleMs', -1, { never: true }))).toMatchObject({
      message: expect.stringContaining(', or Infinity, got -1'),
    });
    expect(thrownBy(() => assertTimerMs('idleMs', -1))).toMatchObject({
      message: expect.not.stringContaining('Infinity'),
    });
  });
});

describe('the messages of refusals', () => {
  it('show null as null, and undefined passes as the default', () => {
    expect(shown(null)).toBe('null');
    expect(() => assertIntegerIn('count', undefined, 1, 10)).not.toThrow();
    expect(thrownBy(() => assertIntegerIn('count', null, 1, 10))).toMatchObject({
      option: 'count',
      message: 'count must be an integer from 1 to 10, got null',
    });
    expect(thrownBy(() => assertTypeOf('decode', null, 'object'))).toMatchObject({
      option: 'decode',
      message: 'decode must be an object, got null',
    });
  });

  it('say the type wanted and the type given', () => {
    expect(() => assertTypeOf('decode', undefined, 'object')).not.toThrow();
    expect(thrownBy(() => assertTypeOf('decode', 'gzip', 'object'))).toMatchObject({
      message: 'decode must be an object, got string',
    });
    expect(thrownBy(() => assertTypeOf('flag', 1, 'boolean'))).toMatchObject({
      message: 'flag must be a boolean, got number',
    });
  });
});

describe('deaggregationModeOf', () => {
  it("deaggregates as passthrough for 'fail', which reports the records left corrupt", () => {
    expect(deaggregationModeOf('fail')).toBe('passthrough');
    expect(deaggregationModeOf('passthrough')).toBe('passthrough');
    expect(deaggregationModeOf('throw')).toBe('throw');
  });
});

describe('a refusal of any value', () => {
  const values: Array<[string, unknown]> = [
    ['a bigint', 1n],
    ['a symbol', Symbol('s')],
    ['an object without a prototype', Object.create(null)],
    ['a function', () => 1],
  ];

  it.each(values)(
    'is a configuration error for %s, never a TypeError of its message',
    (_, value) => {
      for (const refuse of [
        () => assertOneOf('mode', value, ['a', 'b']),
        () => assertIntegerIn('count', value, 1, 10),
        () => assertTimerMs('waitMs', value, { min: 0 }),
      ]) {
        expect(refuse).toThrow(KplConfigurationError);
      }
    },
  );
});
