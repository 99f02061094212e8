import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { CliIo } from './types.js';

/**
 * The Kinesis client a command uses, `--endpoint` and `--region` over the SDK's own settings,
 * and `close`, which destroys it only if it was made here.
 */
export function kinesisClientFor(
  options: { endpoint?: string | undefined; region?: string | undefined },
  io: CliIo,
): { client: KinesisClient; close: () => void } {
  if (io.kinesisClient) return { client: io.kinesisClient(options), close: () => {} };
  const client = new KinesisClient({
    // HTTP/1.1: the SDK's default for Kinesis is HTTP/2 (for SubscribeToShard, which no command
    // uses), which local Kinesis implementations (kinesalite, LocalStack) do not speak.
    requestHandler: new NodeHttpHandler(),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.region === undefined ? {} : { region: options.region }),
  });
  return { client, close: () => client.destroy() };
}
