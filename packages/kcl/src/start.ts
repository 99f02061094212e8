import type { KplLogger } from '@kpl-lambda/core';
import { MAX_TIMER_MS } from '@kpl-lambda/core';
import { loggerOf } from '@kpl-lambda/core/internal';
import { assertRecordProcessor } from './assertRecordProcessor.js';
import { knownMessage } from './daemonMessage.js';
import { KplKclCheckpointError, KplKclProtocolError } from './errors.js';
import { type DaemonMessage, MessageChannel } from './MessageChannel.js';
import { assertStartOptions } from './options.js';
import { guardStdout } from './stdio.js';
import type {
  Checkpointer,
  KclUserRecord,
  OnRecordError,
  RecordProcessor,
  StartOptions,
} from './types.js';

/** Heard instead of nobody: the failed write that emits it rejects start() with it too. */
const ignoreError = () => {};

/** Checkpoint tries when the daemon answers ThrottlingException. */
const CHECKPOINT_TRIES = 6;

/** Waits `ms`, at most the longest a timer waits: a longer delay would fire at once. */
const sleep = (ms: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.min(ms, MAX_TIMER_MS)));

/**
 * Runs a record processor as the child process of a KCL MultiLangDaemon, on stdin and stdout,
 * and resolves when the daemon closes the pipe. Every message gets its status reply; checkpoints
 * carry the sub-sequence number of the last user record done, so a restart in the middle of an
 * aggregate resumes right after it. Speaks the messages of KCL 2.x/3.x (`leaseLost`,
 * `shardEnded`) and of KCL 1.x (`shutdown` with `TERMINATE` or `ZOMBIE`). A processor or
 * options it cannot honour reject with `KplKclConfigurationError` before anything is read.
 *
 * @example
 * ```ts
 * import { start } from '@kpl-lambda/kcl';
 *
 * await start(
 *   {
 *     async processRecord(record) {
 *       console.error(record.partitionKey, record.sequenceNumber, record.subSequenceNumber);
 *     },
 *   },
 *   { checkpointEveryRecords: 100 },
 * );
 * ```
 */
export async function start(
  processor: RecordProcessor,
  startOptions?: StartOptions,
): Promise<void> {
  // Before anything is read or answered: a processor that cannot take the records would have
  // them answered and checkpointed unread, and a misspelt option would run with its default.
  assertRecordProcessor(processor);
  assertStartOptions(startOptions, processor.processRecords !== undefined);
  const options = startOptions ?? {};
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const log = loggerOf(options.logger);
  const restoreStdout = output === process.stdout ? guardStdout(log) : undefined;
  const channel = new MessageChannel(
    input,
    output,
    (line) =>
      log.warn('Skipped a line from the daemon that is not a message', {
        line: line.slice(0, 200),
      }),
    restoreStdout?.write,
  );
  const session = new Session(processor, options, channel, log);
  // A reply the pipe cannot take rejects start() with its error; the stream's 'error' event for
  // it, unheard, would end the process first.
  output.on('error', ignoreError);
  try {
    for (;;) {
      const message = await channel.next();
      if (message === undefined) return;
      await session.handle(message);
    }
  } finally {
    output.off('error', ignoreError);
    restoreStdout?.restore();
  }
}

/** One shard's child process: what it has done, and what it has checkpointed. */
class Session {
  /** The last user record done (not yet necessarily checkpointed). */
  #lastDone: { sequenceNumber: string; subSequenceNumber: number } | undefined;
  #doneSinceCheckpoint = 0;
  #lastCheckpointAt = Date.now();
  readonly #checkpointer: Checkpointer;

  public constructor(
    private readonly processor: RecordProcessor,
    private readonly options: StartOptions,
    private readonly channel: MessageChannel,
    private readonly log: KplLogger,
  ) {
    this.#checkpointer = {
      checkpoint: (sequenceNumber, sub) => this.#checkpoint(sequenceNumber, sub),
    };
  }

  public async handle(message: DaemonMessage): Promise<void> {
    const known = knownMessage(message);
    switch (known.action) {
      case 'initialize':
        await this.processor.initialize?.(known.input);
        break;
      case 'processRecords':
        await this.#processRecords(known.records, known.millisBehindLatest);
        break;
      case 'leaseLost':
        await this.processor.leaseLost?.();
        break;
      case 'shardEnded':
        await this.#shardEnded();
        break;
      case 'shutdown':
        if (known.shardEnded) await this.#shardEnded();
        else await this.processor.leaseLost?.();
        break;
      case 'shutdownRequested':
        await this.processor.shutdownRequested?.(this.#checkpointer);
        await this.#checkpointLastDone();
        break;
      case 'checkpoint':
        throw new KplKclProtocolError('The daemon answered a checkpoint that was not asked for');
    }
    await this.channel.send({ action: 'status', responseFor: known.action });
  }

  async #shardEnded(): Promise<void> {
    await this.processor.shardEnded?.(this.#checkpointer);
    // The shard never closes unless the child checkpoints at its end.
    await this.#checkpoint(undefined, undefined);
  }

  async #processRecords(
    records: KclUserRecord[],
    millisBehindLatest: number | undefined,
  ): Promise<void> {
    if (this.processor.processRecords) {
      await this.processor.processRecords({
        records,
        checkpointer: this.#checkpointer,
        ...(millisBehindLatest === undefined ? {} : { millisBehindLatest }),
      });
      const last = records.at(-1);
      if (last) this.#done(last, records.length);
      await this.#checkpointIfDue();
      return;
    }
    for (const record of records) {
      const checkpointNow = await this.#processRecord(record);
      this.#done(record);
      if (checkpointNow) await this.#checkpointLastDone();
      else await this.#checkpointIfDue();
    }
  }

  /**
   * Runs one user record, retried; true when the processor asks for a checkpoint at it. One that
   * fails its tries and is skipped counts as done: false.
   */
  async #processRecord(record: KclUserRecord): Promise<boolean> {
    const { maxAttempts = 3, baseDelayMs = 100 } = this.options;
    let failure: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(baseDelayMs * 2 ** (attempt - 2));
      try {
        return (await this.processor.processRecord?.(record, this.#checkpointer)) === true;
      } catch (error) {
        failure = error;
      }
    }
    const decision = await this.#decide(failure, record);
    this.log.error('A user record failed after its retries', {
      sequenceNumber: record.sequenceNumber,
      subSequenceNumber: record.subSequenceNumber,
      decision,
      error: failure,
    });
    if (decision === 'skip') return false;
    // Never checkpointed past: the daemon gives the shard again from the last checkpoint.
    throw failure;
  }

  /**
   * What `onError` says of a user record that failed its tries. Anything but `'stop'` or `'skip'`
   * (a throw, a rejection, another answer) stops: never checkpointed past, nothing is lost.
   */
  async #decide(error: unknown, record: KclUserRecord): Promise<OnRecordError> {
    const { onError = 'stop' } = this.options;
    if (typeof onError !== 'function') return onError;
    try {
      const decision: unknown = await onError(error, record);
      if (decision === 'stop' || decision === 'skip') return decision;
      this.log.error("onError answered neither 'stop' nor 'skip': stopping", {
        answer: String(decision),
      });
    } catch (onErrorFailure) {
      this.log.error('onError failed: stopping', { error: onErrorFailure });
    }
    return 'stop';
  }

  /** `record` is done, and with it `count` user records (a whole batch with processRecords). */
  #done(record: KclUserRecord, count = 1): void {
    this.#lastDone = {
      sequenceNumber: record.sequenceNumber,
      subSequenceNumber: record.subSequenceNumber,
    };
    this.#doneSinceCheckpoint += count;
  }

  async #checkpointIfDue(): Promise<void> {
    const { checkpointEveryRecords, checkpointEverySeconds } = this.options;
    const byCount =
      checkpointEveryRecords !== undefined && this.#doneSinceCheckpoint >= checkpointEveryRecords;
    const byTime =
      checkpointEverySeconds !== undefined &&
      Date.now() - this.#lastCheckpointAt >= checkpointEverySeconds * 1_000;
    if (byCount || byTime) await this.#checkpointLastDone();
  }

  async #checkpointLastDone(): Promise<void> {
    if (this.#lastDone === undefined || this.#doneSinceCheckpoint === 0) return;
    await this.#checkpoint(this.#lastDone.sequenceNumber, this.#lastDone.subSequenceNumber);
  }

  /** A checkpoint, done or refused; ThrottlingException is retried with backoff. */
  async #checkpoint(
    sequenceNumber: string | undefined,
    subSequenceNumber: number | undefined,
  ): Promise<void> {
    const { baseDelayMs = 100 } = this.options;
    let error = await this.#requestCheckpoint(sequenceNumber, subSequenceNumber);
    for (
      let attempt = 1;
      error?.endsWith('ThrottlingException') && attempt < CHECKPOINT_TRIES;
      attempt++
    ) {
      await sleep(baseDelayMs * 2 ** (attempt - 1));
      error = await this.#requestCheckpoint(sequenceNumber, subSequenceNumber);
    }
    if (error !== undefined) throw new KplKclCheckpointError(error, sequenceNumber);
    this.#doneSinceCheckpoint = 0;
    this.#lastCheckpointAt = Date.now();
  }

  /** One checkpoint request and its reply: the error the daemon names, undefined for none. */
  async #requestCheckpoint(
    sequenceNumber: string | undefined,
    subSequenceNumber: number | undefined,
  ): Promise<string | undefined> {
    await this.channel.send({
      action: 'checkpoint',
      sequenceNumber: sequenceNumber ?? null,
      subSequenceNumber: sequenceNumber === undefined ? null : (subSequenceNumber ?? 0),
    });
    const reply = await this.channel.next();
    const known = reply && knownMessage(reply);
    if (known?.action !== 'checkpoint') {
      throw new KplKclProtocolError(
        `Expected the reply to a checkpoint, got ${reply?.action ?? 'the end of input'}`,
      );
    }
    return known.error;
  }
}
