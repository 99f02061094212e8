import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LoopbackServer, onLoopback } from '../loopback.js';
import { withKclLeaseIndex } from './kclLeaseIndex.js';

const CREATE_TABLE = 'DynamoDB_20120810.CreateTable';

/**
 * An HTTP front for dynalite: every request is passed on as it came, and every answer back as
 * it came (its CRC32 header included, which the AWS SDK for Java checks), but a KCL lease
 * table's `CreateTable`, which gets KCL 3's index (see `withKclLeaseIndex`).
 */
export class DynamoDBFront {
  readonly #server: LoopbackServer;

  readonly #backend: AddressInfo;

  public constructor(backend: AddressInfo) {
    this.#backend = backend;
    this.#server = onLoopback(
      createServer((incoming, outgoing) => {
        // A client gone, or dynalite (stopping): the call fails, as on an unreachable DynamoDB.
        this.#forward(incoming, outgoing).catch(() => outgoing.destroy());
      }),
    );
  }

  async #forward(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = incoming.headers['x-amz-target'] === CREATE_TABLE ? withKclLeaseIndex(raw) : raw;
    const { 'transfer-encoding': _, ...headers } = incoming.headers;
    await new Promise<void>((resolve, reject) => {
      const forwarded = request(
        {
          host: '127.0.0.1',
          port: this.#backend.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...headers, 'content-length': body.length },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(outgoing).on('finish', resolve).on('error', reject);
        },
      );
      forwarded.on('error', reject);
      forwarded.end(body);
    });
  }

  public listen(port: number): Promise<number> {
    return this.#server.listen(port);
  }

  public close(): Promise<void> {
    return this.#server.close();
  }
}
