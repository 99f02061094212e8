import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { localKinesisClient } from '@kpl-lambda/local-event-source-mapping/client';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type ConnectionOptions, endpointOf, regionOf } from './endpoints.js';
import { KplCliUsageError } from './errors.js';
import type { CliIo } from './types.js';

/** A client a command made, and `close`, which destroys it only if it was made here. */
export interface ClientOf<Client> {
  client: Client;
  close: () => void;
}

/**
 * The Kinesis client of a command: its endpoint and region from the flags and `env`
 * ({@link endpointOf}), checked to have a region before any record is read or put.
 */
export async function kinesisClientFor(
  connection: ConnectionOptions,
  io: CliIo,
): Promise<ClientOf<KinesisClient>> {
  const endpoint = endpointOf('kinesis', connection, io.env)?.url;
  const region = regionOf(connection, io.env);
  if (io.kinesisClient) return { client: io.kinesisClient({ endpoint, region }), close: () => {} };
  // HTTP/1.1, which local Kinesis servers (kinesalite, LocalStack) speak, and AWS too: the SDK's
  // default is HTTP/2, for SubscribeToShard, which no command uses.
  const client = localKinesisClient({ endpoint, region });
  return withRegion(client);
}

/** The DynamoDB client of `redrive --table`, as {@link kinesisClientFor} makes Kinesis's. */
export async function dynamoDBClientFor(
  connection: ConnectionOptions,
  io: CliIo,
): Promise<ClientOf<DynamoDBClient>> {
  const endpoint = endpointOf('dynamodb', connection, io.env)?.url;
  const region = regionOf(connection, io.env);
  // HTTP/1.1 whatever the SDK's default becomes: local DynamoDB servers (dynalite) speak no other.
  const client = new DynamoDBClient({ requestHandler: new NodeHttpHandler(), endpoint, region });
  return withRegion(client);
}

/** The S3 client that reads `kpl redrive s3://BUCKET/KEY`, as {@link kinesisClientFor} makes Kinesis's. */
export async function s3ClientFor(
  connection: ConnectionOptions,
  io: CliIo,
): Promise<ClientOf<S3Client>> {
  const endpoint = endpointOf('s3', connection, io.env)?.url;
  const region = regionOf(connection, io.env);
  // A local S3 server has no bucket subdomains: address buckets by path there.
  const client = new S3Client({
    requestHandler: new NodeHttpHandler(),
    endpoint,
    region,
    forcePathStyle: endpoint !== undefined,
  });
  return withRegion(client);
}

/**
 * Fails once, saying what to do, when the SDK finds no region: otherwise every request fails
 * with the SDK's `Region is missing`, one undeliverable record at a time.
 */
async function withRegion<Client extends KinesisClient | DynamoDBClient | S3Client>(
  client: Client,
): Promise<ClientOf<Client>> {
  try {
    await client.config.region();
  } catch (error) {
    client.destroy();
    throw new KplCliUsageError(
      'No AWS region: pass --region REGION, or set AWS_REGION (or a region in ~/.aws/config)',
      { cause: error },
    );
  }
  return { client, close: () => client.destroy() };
}
