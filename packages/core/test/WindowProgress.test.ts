import { deaggregateRecords } from '@kpl-lambda/core';
import {
  CheckpointedBatch,
  isKinesisWindowEvent,
  stateOfResponse,
  WINDOW_PROGRESS_KEY,
  WindowProgress,
} from '@kpl-lambda/core/internal';
import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';

const quiet = { warn() {} };
const event = () =>
  kinesisStreamEvent([
    aggregatedRecord([
      { partitionKey: 'a', data: 'a0' },
      { partitionKey: 'a', data: 'a1' },
      { partitionKey: 'a', data: 'a2' },
    ]),
    plainRecord({ partitionKey: 'b', data: 'b0' }),
  ]);

describe('WindowProgress', () => {
  it('keeps the done user records of the parents Lambda delivers again inside the state', async () => {
    const { Records } = event();
    const userRecords = deaggregateRecords(Records);
    const first = WindowProgress.fromState({ total: 3 });
    expect(first.handlerState).toEqual({ total: 3 });

    const batch = await CheckpointedBatch.load(first.progress, Records, quiet);
    // a0 and a2 succeeded, a1 failed: Lambda retries from the aggregate.
    await batch.save([userRecords[0]!, userRecords[2]!], [Records[0]!.kinesis.sequenceNumber]);
    const state = first.progress.stateWith({ total: 5 });
    expect(state).toEqual({
      total: 5,
      [WINDOW_PROGRESS_KEY]: { [Records[0]!.kinesis.sequenceNumber]: '0,2' },
    });

    // The retry: the handler never sees the progress, and a0 and a2 are done.
    const next = WindowProgress.fromState(JSON.parse(JSON.stringify(state)));
    expect(next.handlerState).toEqual({ total: 5 });
    const retried = await CheckpointedBatch.load(next.progress, Records, quiet);
    expect(userRecords.map((record) => retried.isDone(record))).toEqual([true, false, true, false]);
    // Done this time: Lambda moves on, the progress goes.
    await retried.save(userRecords, []);
    expect(next.progress.stateWith({ total: 6 })).toEqual({ total: 6 });
  });

  it('drops a progress the handler put in its state, and reads a state that is no object as empty', () => {
    const { progress, handlerState } = WindowProgress.fromState([1, 2]);
    expect(handlerState).toEqual({});
    expect(progress.stateWith({ n: 1, [WINDOW_PROGRESS_KEY]: { forged: '0' } })).toEqual({ n: 1 });
  });

  it('hands every user record to the handler when the progress kept does not parse', async () => {
    const { Records } = event();
    const warnings: unknown[] = [];
    const { progress } = WindowProgress.fromState({
      [WINDOW_PROGRESS_KEY]: { [Records[0]!.kinesis.sequenceNumber]: 'not ranges', other: 7 },
    });
    const batch = await CheckpointedBatch.load(progress, Records, {
      warn: (message: string) => warnings.push(message),
    });
    expect(deaggregateRecords(Records).some((record) => batch.isDone(record))).toBe(false);
    expect(warnings).toHaveLength(1);
  });
});

describe('isKinesisWindowEvent and stateOfResponse', () => {
  const window = { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:01:00Z' };
  it.each([
    [{ ...event(), window, state: {}, isFinalInvokeForWindow: false }, true],
    [
      { Records: [], window, isFinalInvokeForWindow: true, eventSourceARN: 'arn:aws:kinesis:x' },
      true,
    ],
    [
      { Records: [], window, isFinalInvokeForWindow: true, eventSourceARN: 'arn:aws:dynamodb:x' },
      false,
    ],
    [{ Records: [{ eventSource: 'aws:dynamodb' }], window, isFinalInvokeForWindow: false }, false],
    [{ ...event(), window }, false],
    [event(), false],
    [null, false],
  ])('%j is a Kinesis window event: %s', (candidate, expected) => {
    expect(isKinesisWindowEvent(candidate)).toBe(expected);
  });

  it.each([
    [{ state: { a: 1 } }, { a: 1 }],
    [{ state: [1] }, undefined],
    [{ state: null }, undefined],
    [{ batchItemFailures: [] }, undefined],
    [undefined, undefined],
  ])('reads the state of %j as %j', (response, state) => {
    expect(stateOfResponse(response)).toEqual(state);
  });
});
