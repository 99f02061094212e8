import { KplCheckpointsConfigurationError } from '@kpl-lambda/checkpoints';
import { type RedriveOptions, redrive } from '@kpl-lambda/checkpoints/redrive';

/** How redrive() refuses `options`: a configuration error, with the option it names and why. */
export async function refusal(options: unknown): Promise<{ option: string; message: string }> {
  const error = await redrive(options as RedriveOptions).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(KplCheckpointsConfigurationError);
  const { option, message } = error as KplCheckpointsConfigurationError;
  return { option, message };
}
