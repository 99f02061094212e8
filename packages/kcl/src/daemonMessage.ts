import { KplKclProtocolError } from './errors.js';
import type { DaemonMessage } from './MessageChannel.js';
import { isSubSequenceNumber, toUserRecords } from './toUserRecords.js';
import type { InitializeInput, KclUserRecord } from './types.js';

/** A message of the daemon whose fields are what the daemon sends: what `start` acts on. */
type KnownMessage =
  | { action: 'initialize'; input: InitializeInput }
  | { action: 'processRecords'; records: KclUserRecord[]; millisBehindLatest?: number }
  | { action: 'leaseLost' | 'shardEnded' | 'shutdownRequested' }
  /** KCL 1.x: TERMINATE is the end of the shard; ZOMBIE and REQUESTED give the lease up. */
  | { action: 'shutdown'; shardEnded: boolean }
  | { action: 'checkpoint'; error: string | undefined };

/** The reasons of KCL 1.x's `shutdown` (its `ShutdownReason`), and whether the shard ended. */
const SHUTDOWN_REASONS: ReadonlyMap<unknown, boolean> = new Map([
  ['TERMINATE', true],
  ['ZOMBIE', false],
  ['REQUESTED', false],
]);

/**
 * The message, its fields checked, or `KplKclProtocolError`: an action the daemon never sends
 * (acknowledged, it would let the daemon go on past what it asked for) or a field of the wrong
 * type. Checked whole before anything of it runs.
 */
export function knownMessage(message: DaemonMessage): KnownMessage {
  const refuse = (why: string) =>
    new KplKclProtocolError(`${why}: ${JSON.stringify(message).slice(0, 200)}`);
  switch (message.action) {
    case 'initialize': {
      const { shardId, sequenceNumber, subSequenceNumber } = message;
      if (
        typeof shardId !== 'string' ||
        !(typeof sequenceNumber === 'string' || sequenceNumber == null) ||
        !isSubSequenceNumber(subSequenceNumber)
      ) {
        throw refuse(
          'An initialize message whose shardId is no string, or whose checkpoint is not a sequence number (a string) and a sub-sequence number (a whole number from 0)',
        );
      }
      return {
        action: 'initialize',
        input: {
          shardId,
          ...(sequenceNumber == null ? {} : { sequenceNumber }),
          ...(subSequenceNumber == null ? {} : { subSequenceNumber }),
        },
      };
    }
    case 'processRecords': {
      const { millisBehindLatest } = message;
      if (!(typeof millisBehindLatest === 'number' || millisBehindLatest == null)) {
        throw refuse('A processRecords message with a millisBehindLatest that is no number');
      }
      return {
        action: 'processRecords',
        records: toUserRecords(message.records),
        ...(millisBehindLatest == null ? {} : { millisBehindLatest }),
      };
    }
    case 'leaseLost':
    case 'shardEnded':
    case 'shutdownRequested':
      return { action: message.action };
    case 'shutdown': {
      const shardEnded = SHUTDOWN_REASONS.get(message.reason);
      if (shardEnded === undefined) {
        throw refuse(`A shutdown message whose reason is none of ${[...SHUTDOWN_REASONS.keys()]}`);
      }
      return { action: 'shutdown', shardEnded };
    }
    case 'checkpoint': {
      const { error } = message;
      if (!(typeof error === 'string' || error == null)) {
        throw refuse('A checkpoint reply whose error is no string');
      }
      return { action: 'checkpoint', error: error || undefined };
    }
    default:
      throw refuse(
        'An action the daemon does not send (those of KCL 1.x to 3.x are known): refused, not acknowledged unread',
      );
  }
}
