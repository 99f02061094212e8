import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** A message of the MultiLangDaemon: one JSON object per line. */
export type DaemonMessage = { action: string } & Record<string, unknown>;

/**
 * The daemon's side of the pipe: messages in, one JSON object per line, and replies out,
 * waiting for the pipe to drain when it is full. A line that is not a JSON object with an
 * `action` is skipped (and reported), as the daemon skips what it cannot parse.
 */
export class MessageChannel {
  readonly #lines: AsyncIterator<string>;
  readonly #write: (chunk: string, callback: (error?: Error | null) => void) => boolean;
  readonly #onSkipped: (line: string) => void;

  public constructor(
    input: Readable,
    output: Writable,
    onSkipped: (line: string) => void,
    write: (chunk: string, callback: (error?: Error | null) => void) => boolean = (
      chunk,
      callback,
    ) => output.write(chunk, callback),
  ) {
    this.#lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })[
      Symbol.asyncIterator
    ]();
    this.#write = write;
    this.#onSkipped = onSkipped;
  }

  /** The next message, or undefined when the daemon closed the pipe. */
  public async next(): Promise<DaemonMessage | undefined> {
    for (;;) {
      const { value, done } = await this.#lines.next();
      if (done) return undefined;
      if (value.trim() === '') continue;
      try {
        const message = JSON.parse(value) as unknown;
        if (typeof (message as { action?: unknown })?.action === 'string')
          return message as DaemonMessage;
      } catch {
        // not JSON: reported below
      }
      this.#onSkipped(value);
    }
  }

  /**
   * Sends one message; resolves once it is handed to the pipe, so a full pipe (a daemon slow to
   * read) holds the next message back instead of buffering without bound.
   */
  public send(message: Record<string, unknown>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#write(`${JSON.stringify(message)}\n`, (error) => (error ? reject(error) : resolve()));
    });
  }
}
