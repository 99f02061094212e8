// A message from the daemon that start cannot act on as the daemon meant it (an action it does not
// know, a field of the wrong type) stops start() with KplKclProtocolError and is never answered:
// an unknown action used to be acknowledged unread, and a shard with no id ran as "undefined".
import { type InitializeInput, KplKclProtocolError } from '@kpl-lambda/kcl';
import { startOn } from './helpers/startOn.js';

const initialize = { action: 'initialize', shardId: 'shardId-1' };
const status = (action: string) => JSON.stringify({ action: 'status', responseFor: action });
const endOfShard = JSON.stringify({
  action: 'checkpoint',
  sequenceNumber: null,
  subSequenceNumber: null,
});

/** A processor with every hook, which notes each call. */
function recorder() {
  const calls: unknown[] = [];
  const processor = {
    initialize: (input: InitializeInput) => void calls.push(['initialize', input]),
    processRecord: () => void calls.push('processRecord'),
    leaseLost: () => void calls.push('leaseLost'),
    shardEnded: () => void calls.push('shardEnded'),
    shutdownRequested: () => void calls.push('shutdownRequested'),
  };
  return { calls, processor };
}

describe('start refuses a message it cannot act on, and answers nothing to it', () => {
  it.each<[string, object]>([
    ['an action the daemon never sends', { action: 'somethingNew' }],
    ['a status, which only the child sends', { action: 'status', responseFor: 'initialize' }],
    ['initialize without a shard id', { action: 'initialize' }],
    ['initialize with a shard id that is no string', { action: 'initialize', shardId: 7 }],
    ['initialize with a sequence number that is no string', { ...initialize, sequenceNumber: 7 }],
    [
      'initialize with a sub-sequence number that is text',
      { ...initialize, subSequenceNumber: '3' },
    ],
    ['initialize with a negative sub-sequence number', { ...initialize, subSequenceNumber: -1 }],
    ['initialize with a fractional sub-sequence number', { ...initialize, subSequenceNumber: 1.5 }],
    ['shutdown without a reason', { action: 'shutdown' }],
    ['shutdown with a reason KCL 1.x never gives', { action: 'shutdown', reason: 'LATER' }],
    [
      'processRecords with millisBehindLatest that is no number',
      { action: 'processRecords', records: [], millisBehindLatest: '5' },
    ],
  ])('%s', async (_, message) => {
    const { calls, processor } = recorder();

    const { error, replies } = await startOn(processor, {}, [initialize, message, initialize]);

    expect(error).toBeInstanceOf(KplKclProtocolError);
    expect(error).toMatchObject({ message: expect.stringContaining(JSON.stringify(message)) });
    expect(replies).toBe(`${status('initialize')}\n`);
    expect(calls).toEqual([['initialize', { shardId: 'shardId-1' }]]);
  });

  it.each<[string, object[]]>([
    ['an error that is no string', [{ action: 'checkpoint', error: 5 }]],
    ['another message', [{ action: 'leaseLost' }]],
    ['nothing: the input ends', []],
  ])('a checkpoint answered with %s', async (_, reply) => {
    const { calls, processor } = recorder();

    const { error, replies } = await startOn(processor, {}, [{ action: 'shardEnded' }, ...reply]);

    expect(error).toBeInstanceOf(KplKclProtocolError);
    expect(replies).toBe(`${endOfShard}\n`);
    expect(calls).toEqual(['shardEnded']);
  });
});

describe('start takes every form of the messages the daemon sends', () => {
  it('hands initialize its checkpoint, when the daemon gives one', async () => {
    const { calls, processor } = recorder();

    const { error } = await startOn(processor, {}, [
      { ...initialize, sequenceNumber: '49590338271490256608559692538361571095921575989136588898' },
      { ...initialize, sequenceNumber: 'TRIM_HORIZON', subSequenceNumber: 0 },
      { ...initialize, sequenceNumber: '7', subSequenceNumber: 42 },
      { ...initialize, sequenceNumber: null, subSequenceNumber: null },
    ]);

    expect(error).toBeUndefined();
    expect(calls).toEqual([
      [
        'initialize',
        {
          shardId: 'shardId-1',
          sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
        },
      ],
      [
        'initialize',
        { shardId: 'shardId-1', sequenceNumber: 'TRIM_HORIZON', subSequenceNumber: 0 },
      ],
      ['initialize', { shardId: 'shardId-1', sequenceNumber: '7', subSequenceNumber: 42 }],
      ['initialize', { shardId: 'shardId-1' }],
    ]);
  });

  it('gives up the lease without a checkpoint on shutdown ZOMBIE or REQUESTED (KCL 1.x)', async () => {
    const { calls, processor } = recorder();

    const { error, replies } = await startOn(processor, {}, [
      { action: 'shutdown', reason: 'ZOMBIE' },
      { action: 'shutdown', reason: 'REQUESTED' },
    ]);

    expect(error).toBeUndefined();
    expect(calls).toEqual(['leaseLost', 'leaseLost']);
    expect(replies).toBe(`${status('shutdown')}\n${status('shutdown')}\n`);
  });

  it('takes a checkpoint reply whose error is null, empty or left out as done', async () => {
    const { error, replies } = await startOn({ processRecord() {} }, {}, [
      { action: 'shardEnded' },
      { action: 'checkpoint', error: null },
      { action: 'shardEnded' },
      { action: 'checkpoint', error: '' },
      { action: 'shardEnded' },
      { action: 'checkpoint' },
    ]);

    expect(error).toBeUndefined();
    expect(replies).toBe(`${endOfShard}\n${status('shardEnded')}\n`.repeat(3));
  });
});
