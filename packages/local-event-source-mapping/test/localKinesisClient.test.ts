/// <reference path="../../../types/local-services.d.ts" />
// The client helper against kinesalite itself, the server users meet `ERR_HTTP2_ERROR` on.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { KplConfigurationError } from '@kpl-lambda/core';
import { localKinesisClient } from '@kpl-lambda/local-event-source-mapping/client';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import kinesalite from 'kinesalite';

let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = kinesalite({ createStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** Runs `run` with these environment variables set, and puts them back as they were. */
async function withEnvironment<T>(variables: Record<string, string>, run: () => Promise<T>) {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  try {
    return await run();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** The streams a client lists, the client destroyed after. */
async function streamsListedBy(client: KinesisClient) {
  try {
    return (await client.send(new ListStreamsCommand({}))).StreamNames;
  } finally {
    client.destroy();
  }
}

const local = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };

describe('localKinesisClient', () => {
  it('talks to kinesalite, which a KinesisClient made with defaults cannot', async () => {
    const byDefault = new KinesisClient({ endpoint, ...local });
    const client = localKinesisClient({ endpoint, ...local });
    try {
      await expect(byDefault.send(new ListStreamsCommand({}))).rejects.toThrow('ERR_HTTP2_ERROR');
      await expect(client.send(new ListStreamsCommand({}))).resolves.toMatchObject({
        StreamNames: [],
      });
    } finally {
      byDefault.destroy();
      client.destroy();
    }
  });

  it('finds the endpoint where the SDK does, in AWS_ENDPOINT_URL_KINESIS', async () => {
    const streams = await withEnvironment({ AWS_ENDPOINT_URL_KINESIS: endpoint }, () =>
      streamsListedBy(localKinesisClient(local)),
    );
    expect(streams).toEqual([]);
  });

  it('takes a null config, from JavaScript, for none: all from the environment', async () => {
    const environment = {
      AWS_ENDPOINT_URL_KINESIS: endpoint,
      AWS_REGION: local.region,
      AWS_ACCESS_KEY_ID: local.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: local.credentials.secretAccessKey,
    };
    const streams = await withEnvironment(environment, () =>
      streamsListedBy(localKinesisClient(null as never)),
    );
    expect(streams).toEqual([]);
  });

  it('refuses a request handler rather than replace it unseen', () => {
    const config = { endpoint, requestHandler: new NodeHttpHandler() };
    expect(() => localKinesisClient(config as never)).toThrow(KplConfigurationError);
    expect(() => localKinesisClient(config as never)).toThrow(/requestHandler/);
  });
});
