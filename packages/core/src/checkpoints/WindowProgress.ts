import type { CheckpointStore, ParentProgress, ParentRecordId } from '../types.js';
import { parentKey } from './CheckpointedBatch.js';
import { SubSequenceSet } from './SubSequenceSet.js';

/**
 * The key of a window's state under which the adapters keep the progress of user records.
 *
 * @example
 * ```ts
 * import { WINDOW_PROGRESS_KEY } from '@kpl-lambda/core/internal';
 * const { [WINDOW_PROGRESS_KEY]: _progress, ...yours } = response.state;
 * ```
 */
export const WINDOW_PROGRESS_KEY = '@kpl-lambda/progress';

/**
 * The state of a tumbling window as Lambda carries it: a JSON object.
 *
 * @example
 * ```ts
 * import type { WindowState } from '@kpl-lambda/core';
 * const state: WindowState = { 'user-1': 42 };
 * ```
 */
export type WindowState = Record<string, unknown>;

/**
 * Whether an event is a Kinesis event inside a tumbling window: it has the window's fields, and
 * its records (or, when it has none, its `eventSourceARN`) are Kinesis's.
 *
 * @example
 * ```ts
 * import { isKinesisWindowEvent } from '@kpl-lambda/core/internal';
 * if (isKinesisWindowEvent(event)) console.log(event.window.start, event.isFinalInvokeForWindow);
 * ```
 */
export function isKinesisWindowEvent(event: unknown): event is {
  Records: unknown[];
  window: { start: string; end: string };
  state?: unknown;
  isFinalInvokeForWindow: boolean;
} {
  const fields = event as {
    Records?: Array<{ eventSource?: unknown } | null>;
    window?: unknown;
    isFinalInvokeForWindow?: unknown;
    eventSourceARN?: unknown;
  } | null;
  if (typeof fields?.window !== 'object' || fields.window === null) return false;
  if (typeof fields.isFinalInvokeForWindow !== 'boolean' || !Array.isArray(fields.Records)) {
    return false;
  }
  const [first] = fields.Records;
  if (first !== undefined) return first?.eventSource === 'aws:kinesis';
  return typeof fields.eventSourceARN === 'string' && fields.eventSourceARN.includes(':kinesis:');
}

/**
 * The state a response carries back to Lambda, if it is an object, as Lambda requires.
 *
 * @example
 * ```ts
 * import { stateOfResponse } from '@kpl-lambda/core/internal';
 * stateOfResponse({ state: { a: 1 }, batchItemFailures: [] }); // { a: 1 }
 * stateOfResponse({ batchItemFailures: [] }); // undefined: Lambda fails such an invocation
 * ```
 */
export function stateOfResponse(response: unknown): WindowState | undefined {
  const state = (response as { state?: unknown } | null | undefined)?.state;
  return typeof state === 'object' && state !== null && !Array.isArray(state)
    ? (state as WindowState)
    : undefined;
}

/**
 * A {@link CheckpointStore} inside a tumbling window's state: the user records done of the
 * parents Lambda will deliver again travel with the state, under {@link WINDOW_PROGRESS_KEY}.
 * Lambda keeps the state of a partial batch response and retries from its lowest failure with
 * it, and drops it with a failed invocation: the progress is kept, or dropped, with the state
 * the handler built from those user records, never one without the other (an external store
 * written while Lambda drops the state would leave those records out of the window for good).
 *
 * @example
 * ```ts
 * import { CheckpointedBatch, WindowProgress } from '@kpl-lambda/core/internal';
 * const { progress, handlerState } = WindowProgress.fromState(event.state);
 * const batch = await CheckpointedBatch.load(progress, event.Records, logger);
 * // ... the handler folds the user records not done into handlerState, then:
 * await batch.save(succeeded, failedParents);
 * return { state: progress.stateWith(handlerState), batchItemFailures };
 * ```
 */
export class WindowProgress implements CheckpointStore {
  /** Done sub-sequence numbers by parent sequence number: a window's state is one shard's. */
  readonly #loaded: ReadonlyMap<string, string>;
  #saved: Record<string, string> | undefined;

  private constructor(loaded: ReadonlyMap<string, string>) {
    this.#loaded = loaded;
  }

  /**
   * The progress kept in a window's state, and the state the handler is to see: the same
   * without it. A state that is not an object is an empty one.
   */
  public static fromState(state: unknown): {
    progress: WindowProgress;
    handlerState: WindowState;
  } {
    const { [WINDOW_PROGRESS_KEY]: kept, ...handlerState } =
      typeof state === 'object' && state !== null && !Array.isArray(state)
        ? (state as WindowState)
        : {};
    const loaded = new Map<string, string>();
    if (typeof kept === 'object' && kept !== null) {
      for (const [sequenceNumber, done] of Object.entries(kept)) {
        if (typeof done === 'string') loaded.set(sequenceNumber, done);
      }
    }
    return { progress: new WindowProgress(loaded), handlerState };
  }

  /** The progress of these parents; throws on a progress that does not parse, as a store. */
  public async load(parents: readonly ParentRecordId[]): Promise<Map<string, SubSequenceSet>> {
    const done = new Map<string, SubSequenceSet>();
    for (const parent of parents) {
      const text = this.#loaded.get(parent.sequenceNumber);
      if (text !== undefined) done.set(parentKey(parent), SubSequenceSet.parse(text));
    }
    return done;
  }

  /** Keeps the progress of the parents Lambda will deliver again: those given, and no other. */
  public async save(progress: readonly ParentProgress[]): Promise<void> {
    this.#saved = Object.fromEntries(
      progress.map(({ parent, done }) => [parent.sequenceNumber, done.toString()]),
    );
  }

  /** The state to give Lambda back: the handler's, with the progress saved in this invocation. */
  public stateWith(handlerState: WindowState): WindowState {
    const { [WINDOW_PROGRESS_KEY]: _ignored, ...state } = handlerState;
    return this.#saved === undefined ? state : { ...state, [WINDOW_PROGRESS_KEY]: this.#saved };
  }
}
