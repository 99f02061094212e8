import {
  type BatchMetrics,
  type DecodeMetrics,
  deaggregateRecords,
  doneUserRecords,
  type KinesisStreamUserEvent,
  type KinesisStreamUserRecord,
  KplInvalidRecordError,
} from '@kpl-lambda/core';
import {
  addBatchMetrics,
  CheckpointedBatch,
  countUserRecords,
  deaggregationModeOf,
  isKinesisWindowEvent,
  loggerOf,
  stateOfResponse,
  WindowProgress,
} from '@kpl-lambda/core/internal';
import type {
  Context,
  KinesisStreamBatchItemFailure,
  KinesisStreamRecord,
  KinesisStreamStateResponse,
} from 'aws-lambda';
import { KplDeaggConfigurationError } from './errors.js';
import { handedRecords } from './handedRecords.js';
import {
  countFailures,
  reportedByBatchItemFailures,
  reportedBySettledResults,
  reportsAggregateByParent,
} from './handlerResponse.js';
import { assertEventBatchResponseBefore, misorderedParserError } from './middlewareOrder.js';
import { validateOptions } from './options.js';
import type { KplDeaggOptions, KplDeaggResponse } from './types.js';

/** What one invocation's `before` learnt, for its `after`. */
interface InvocationState {
  /** Parent sequence numbers, in batch order (a Set keeps insertion order). */
  parents: Set<string>;
  /**
   * Parents reported as failed whatever the handler says, one per user record failed before it
   * (`onCorrupt: 'fail'`, data that does not decode).
   */
  failedBeforeHandler: string[];
  /** The records handed to the handler, in order: user records, or what their data decoded to. */
  handed: KinesisStreamUserRecord[];
  /** With `checkpoints`: what was done before, and where progress goes. */
  checkpointed: CheckpointedBatch | undefined;
  /** What `before` counted, for the metrics `after` adds. */
  counts: Omit<BatchMetrics, 'failedUserRecords' | 'parentsReported'> & Partial<DecodeMetrics>;
}

/**
 * Middy's types, loaded as ESM wherever ours are loaded from: Middy is published as ESM only, so
 * our CommonJS declarations must say so (else TS1541 under `moduleResolution: node16`).
 */
// biome-ignore format: Biome would turn the import attributes into a type literal.
type MiddlewareObj<TEvent, TResult> = import('@middy/core', { with: { 'resolution-mode': 'import' } }).MiddlewareObj<TEvent, TResult>;
// biome-ignore format: as above.
type KplDeaggRequest = import('@middy/core', { with: { 'resolution-mode': 'import' } }).Request<KinesisStreamUserEvent, KplDeaggResponse, Error, Context>;

/**
 * Middy middleware that makes a KPL-aggregated Kinesis stream look to the handler exactly like a
 * plain one: before the handler, `event.Records` becomes the user records of `@kpl-lambda/core`
 * (each with its parent's `sequenceNumber`, plus `subSequenceNumber`, `aggregated` and, when it
 * has one, `explicitHashKey`); after it, every `batchItemFailures` identifier is mapped to its
 * parent's sequence number, de-duplicated, so that Lambda retries the right records.
 *
 * Other events (SQS, DynamoDB, Firehose, an empty batch) pass through untouched.
 *
 * @example
 * ```ts
 * import middy from '@middy/core';
 * import kplDeagg from '@kpl-lambda/middy';
 * import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
 *
 * export const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
 *   .use(kplDeagg({ onCorrupt: 'fail' }))
 *   .handler(async (event) => {
 *     const batchItemFailures = [];
 *     for (const record of event.Records) {
 *       try {
 *         await process(record);
 *       } catch {
 *         batchItemFailures.push({ itemIdentifier: record.kinesis.sequenceNumber });
 *       }
 *     }
 *     return { batchItemFailures };
 *   });
 * ```
 */
export function kplDeagg(
  opts: KplDeaggOptions = {},
): MiddlewareObj<KinesisStreamUserEvent, KplDeaggResponse> {
  const {
    onCorrupt,
    filter,
    logger: userLogger,
    checkpoints,
    metrics,
    decoder,
  } = validateOptions(opts);
  // A logger that throws must not change what Lambda is told.
  const logger = loggerOf(userLogger);
  // One middleware object serves concurrent invocations: state lives with each request.
  const invocations = new WeakMap<object, InvocationState>();
  /** The progress kept in the window's state, for invocations inside a tumbling window. */
  const windows = new WeakMap<object, WindowProgress>();

  const kplDeaggMiddlewareBefore = async (request: KplDeaggRequest): Promise<void> => {
    // Inside a tumbling window, the progress of user records travels with the window's state
    // (see WindowProgress): the handler sees its own state only.
    let progress: WindowProgress | undefined;
    if (isKinesisWindowEvent(request.event)) {
      const window = WindowProgress.fromState(request.event.state);
      progress = window.progress;
      windows.set(request, progress);
      request.event = { ...request.event, state: window.handlerState } as typeof request.event;
    }
    const records: unknown = (request.event as { Records?: unknown } | null | undefined)?.Records;
    if (!Array.isArray(records) || records.length === 0) return;
    if ((records[0] as { eventSource?: unknown }).eventSource !== 'aws:kinesis') return;

    const userRecords = deaggregateKinesisRecords(records);
    const parents = new Set(
      records.map((record: KinesisStreamUserRecord) => record.kinesis.sequenceNumber),
    );

    const store = progress ?? checkpoints;
    const checkpointed = store ? await CheckpointedBatch.load(store, records, logger) : undefined;
    const { handed, failedBeforeHandler, counts, filtered } = handedRecords(userRecords, {
      checkpointed,
      decoder,
      onCorrupt,
      filter,
      logger,
    });
    // A new event, so that the caller's event object still holds what Lambda delivered.
    request.event = { ...request.event, Records: handed };
    invocations.set(request, {
      parents,
      failedBeforeHandler,
      handed,
      checkpointed,
      counts: { parentRecords: parents.size, userRecords: userRecords.length, ...counts },
    });

    logger.debug('KPL deaggregation', {
      parents: parents.size,
      userRecords: userRecords.length,
      aggregated: counts.aggregatedUserRecords,
      corrupt: counts.corruptAggregates,
      filtered,
      alreadyDone: counts.skippedByCheckpoints,
      ...(decoder === undefined
        ? {}
        : { decoded: counts.decodedRecords, undecodable: counts.payloadDecodeFailures }),
    });
  };

  const kplDeaggMiddlewareAfter = async (request: KplDeaggRequest): Promise<void> => {
    const progress = windows.get(request);
    windows.delete(request);
    if (progress !== undefined && stateOfResponse(request.response) === undefined) {
      // Lambda would fail the invocation, silently: say why, and record nothing.
      throw new KplDeaggConfigurationError(
        'Inside a tumbling window Lambda needs the state back: return { state, batchItemFailures } ' +
          '(an array of PromiseSettledResult, or no response, cannot carry it)',
        { option: 'handler' },
      );
    }
    await mapResponse(request);
    if (progress !== undefined) {
      const response = request.response as KinesisStreamStateResponse;
      request.response = { ...response, state: progress.stateWith(response.state) };
    }
  };

  /** Maps what the handler returned to what Lambda must be told, and records progress. */
  const mapResponse = async (request: KplDeaggRequest): Promise<void> => {
    const state = invocations.get(request);
    if (!state) return;
    invocations.delete(request);
    assertEventBatchResponseBefore(request.internal, state.handed);
    const response: unknown = request.response;
    const settled = Array.isArray(response);
    const reported = settled
      ? reportedBySettledResults(response, state, logger)
      : reportedByBatchItemFailures(response, state, logger);
    if (reported === undefined && state.failedBeforeHandler.length === 0) {
      addInvocationMetrics(state, 0, 0);
      return;
    }

    const failedParents = new Set(state.failedBeforeHandler);
    for (const failure of reported?.failures ?? []) failedParents.add(failure.parent);
    // Batch order, so that the first failure is the lowest sequence number: Lambda resumes there.
    const batchItemFailures: KinesisStreamBatchItemFailure[] = [...state.parents]
      .filter((sequenceNumber) => failedParents.has(sequenceNumber))
      .map((itemIdentifier) => ({ itemIdentifier }));
    request.response = settled
      ? { batchItemFailures }
      : { ...((response as object | null | undefined) ?? {}), batchItemFailures };
    addInvocationMetrics(
      state,
      countFailures(reported?.failures ?? []) + state.failedBeforeHandler.length,
      batchItemFailures.length,
    );
    if (state.checkpointed !== undefined && reported && reportsAggregateByParent(reported, state)) {
      logger.warn(
        'Checkpoints record nothing of an aggregate whose failure is reported by its sequence number alone: ' +
          'report the failed user record as "<sequenceNumber>:<subSequenceNumber>", ' +
          'or return one PromiseSettledResult per user record (Promise.allSettled)',
      );
    }
    // No batchItemFailures at all: the handler reports every record it was handed as done. A user
    // record decoded into several records is done when all of them are.
    await state.checkpointed?.save(
      doneUserRecords(state.handed, reported?.succeeded ?? state.handed),
      failedParents,
    );
  };

  // The handler threw: Lambda delivers the whole batch again, every user record handed failed.
  const kplDeaggMiddlewareOnError = async (request: KplDeaggRequest): Promise<void> => {
    windows.delete(request);
    const state = invocations.get(request);
    if (state) {
      invocations.delete(request);
      addInvocationMetrics(
        state,
        countUserRecords(state.handed) + state.failedBeforeHandler.length,
        0,
      );
    } else {
      request.error = misorderedParserError(request.error, request.event) as Error;
    }
    // Ours say how to fix the handler or the order of middlewares: no onError after this one
    // (event-batch-response's, for one) may turn them into a batch response Lambda retries.
    // A copy: Middy sets the error it catches from an onError as its own `originalError`.
    const { error } = request;
    if (error instanceof KplDeaggConfigurationError) {
      const { data } = error.cause as { data?: unknown };
      throw new KplDeaggConfigurationError(error.message, { option: error.option, cause: data });
    }
  };

  function addInvocationMetrics(
    state: InvocationState,
    failedUserRecords: number,
    parentsReported: number,
  ): void {
    addBatchMetrics(metrics, { ...state.counts, failedUserRecords, parentsReported }, (error) =>
      logger.warn('The metrics instance refused the KPL metrics', { error }),
    );
  }

  /**
   * The deaggregated records; Lambda data that is not base64 means another middleware (most often
   * `@middy/event-normalizer`) decoded the records first, and the aggregates are lost.
   */
  function deaggregateKinesisRecords(records: KinesisStreamRecord[]): KinesisStreamUserRecord[] {
    try {
      return deaggregateRecords(records, { onCorrupt: deaggregationModeOf(onCorrupt) });
    } catch (error) {
      if (!(error instanceof KplInvalidRecordError)) throw error;
      throw new KplDeaggConfigurationError(
        `${error.message}. Use kplDeagg() before any middleware that decodes records, e.g. ` +
          'middy(handler).use(kplDeagg()).use(eventNormalizer()).',
        { option: 'use', cause: error },
      );
    }
  }

  return {
    before: kplDeaggMiddlewareBefore,
    after: kplDeaggMiddlewareAfter,
    onError: kplDeaggMiddlewareOnError,
  };
}

export default kplDeagg;
