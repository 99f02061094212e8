/**
 * A Kinesis client for a local endpoint: kinesalite, LocalStack, `kpl local` of
 * `@kpl-lambda/cli`. Import from `@kpl-lambda/local-event-source-mapping/client`; it needs neither
 * kinesalite nor anything else besides `@aws-sdk/client-kinesis`.
 *
 * @example
 * ```ts
 * import { localKinesisClient } from '@kpl-lambda/local-event-source-mapping/client';
 * import { KinesisProducer } from '@kpl-lambda/producer';
 *
 * // The endpoint, region and credentials from the variables `kpl local` prints
 * // (AWS_ENDPOINT_URL_KINESIS, AWS_REGION, AWS_ACCESS_KEY_ID, ...), or given here.
 * const producer = new KinesisProducer({ client: localKinesisClient(), streamName: 'orders' });
 * ```
 */
import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { KplEventSourceMappingConfigurationError } from '../errors.js';

/** What {@link localKinesisClient} takes: a `KinesisClient`'s configuration, but its handler. */
export type LocalKinesisClientConfig = Omit<KinesisClientConfig, 'requestHandler'>;

/**
 * A `KinesisClient` that speaks HTTP/1.1. The SDK gives Kinesis an HTTP/2 handler by default
 * (for `SubscribeToShard`), which local Kinesis servers (kinesalite, LocalStack) answer with
 * `ERR_HTTP2_ERROR: Protocol error`; every other Kinesis call works over HTTP/1.1, against AWS
 * too. Everything else comes from `config` or from where the SDK always looks: the endpoint from
 * `AWS_ENDPOINT_URL_KINESIS` (or `AWS_ENDPOINT_URL`), the region from `AWS_REGION`, the
 * credentials from the default chain.
 *
 * Throws `KplEventSourceMappingConfigurationError` when `config` has a `requestHandler`: for a
 * handler of your own (timeouts, an agent), make the client yourself with
 * `new KinesisClient({ requestHandler: new NodeHttpHandler({ ... }) })`.
 *
 * @example
 * ```ts
 * import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
 * import { localKinesisClient } from '@kpl-lambda/local-event-source-mapping/client';
 *
 * const client = localKinesisClient({
 *   endpoint: 'http://127.0.0.1:4567',
 *   region: 'us-east-1',
 *   credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
 * });
 * console.log(await client.send(new ListStreamsCommand({})));
 * ```
 */
export function localKinesisClient(config: LocalKinesisClientConfig = {}): KinesisClient {
  if (Object.hasOwn(config ?? {}, 'requestHandler')) {
    throw new KplEventSourceMappingConfigurationError(
      'localKinesisClient makes its own HTTP/1.1 handler: for another, make the client with new KinesisClient({ requestHandler })',
      { option: 'requestHandler' },
    );
  }
  return new KinesisClient({ ...config, requestHandler: new NodeHttpHandler() });
}
