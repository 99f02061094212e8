// The errors a command makes from another keep it as their cause (main prints only the message).
import { KplConfigurationError } from '@kpl-lambda/core';
import { decoderOf } from '../src/decodeOption.js';
import { KplCliError, KplCliInputError, KplCliUsageError } from '../src/errors.js';
import { recordsOfInput } from '../src/inputRecords.js';
import { shardMapOfFile } from '../src/shards.js';

function thrownBy(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('the call did not throw');
}

describe('the errors of kpl', () => {
  it('keeps the configuration error core refused --decode with', () => {
    const error = thrownBy(() => decoderOf('gzip', 0));
    expect(error).toBeInstanceOf(KplCliUsageError);
    expect(error).toBeInstanceOf(KplCliError);
    expect(error.cause).toBeInstanceOf(KplConfigurationError);
    expect(error.cause).toMatchObject({ option: 'maxDecodedBytes' });
  });

  it('keeps the parse error of input that starts as JSON', () => {
    const error = thrownBy(() => recordsOfInput(Buffer.from('{"Records": [')));
    expect(error).toBeInstanceOf(KplCliInputError);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('keeps why a --shards file cannot be read', async () => {
    const error = await shardMapOfFile('/nonexistent/shards.json').then(
      () => undefined,
      (thrown: Error) => thrown,
    );
    expect(error).toBeInstanceOf(KplCliInputError);
    expect(error?.cause).toMatchObject({ code: 'ENOENT' });
  });
});
