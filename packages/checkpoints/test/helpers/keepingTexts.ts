import type { RedriveOptions } from '@kpl-lambda/checkpoints/redrive';

/** A redrive handler that keeps the data of each user record it runs, as text, in `texts`. */
export const keepingTexts =
  (texts: string[]): RedriveOptions['handler'] =>
  (userRecord) => {
    texts.push(Buffer.from(userRecord.data).toString());
  };
