// KCL 2.x and 3.x build their Kinesis client with HTTP/2 forced (KinesisClientUtil): on an
// http:// endpoint that is HTTP/2 with prior knowledge (h2c), which kinesalite, an HTTP/1.1
// server, cannot answer. This bridge takes h2c and forwards each request to kinesalite over
// HTTP/1.1, on loopback; the answers to the operations an `Amend` names can be rewritten.
import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import {
  createServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { pipeline, type Readable } from 'node:stream';

/** Headers that belong to one HTTP/1.1 connection and that HTTP/2 refuses. */
const CONNECTION_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

/** Rewrites the successful answers to some operations (`X-Amz-Target`, JSON bodies). */
export interface Amend {
  targets: ReadonlySet<string>;
  answer(target: string, requestBody: string, answerBody: string): Promise<string>;
}

/** A running bridge. */
export interface Http2Bridge {
  /** `http://127.0.0.1:<port>`, speaking h2c. */
  endpoint: string;
  stop(): Promise<void>;
}

const readAll = async (stream: Readable): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const withoutConnectionHeaders = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !CONNECTION_HEADERS.has(name)));

/** Starts an h2c server on 127.0.0.1 that forwards every request to `target` (HTTP/1.1). */
export async function startHttp2Bridge(target: string, amend?: Amend): Promise<Http2Bridge> {
  const { hostname, port } = new URL(target);

  async function forward(incoming: Http2ServerRequest, outgoing: Http2ServerResponse) {
    const operation = String(incoming.headers['x-amz-target'] ?? '');
    const amending = amend?.targets.has(operation) ? amend : undefined;
    const requestBody = amending ? await readAll(incoming) : undefined;
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const headers = Object.fromEntries(
        Object.entries(incoming.headers).filter(([name]) => !name.startsWith(':')),
      );
      const forwarded = request(
        { hostname, port, method: incoming.method, path: incoming.url, headers },
        resolve,
      );
      forwarded.on('error', reject);
      incoming.on('aborted', () => forwarded.destroy());
      if (requestBody === undefined) incoming.pipe(forwarded);
      else forwarded.end(requestBody);
    });
    const headers = withoutConnectionHeaders(answer.headers);
    if (!amending || answer.statusCode !== 200) {
      outgoing.writeHead(answer.statusCode ?? 502, headers);
      // A broken answer resets the stream: the daemon sees an error and retries.
      pipeline(answer, outgoing, () => {});
      return;
    }
    const body = await amending.answer(operation, requestBody ?? '', await readAll(answer));
    outgoing.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(body) });
    outgoing.end(body);
  }

  const sessions = new Set<Http2Session>();
  const server = createServer((incoming, outgoing) => {
    forward(incoming, outgoing).catch((error: unknown) => {
      // An error status: the daemon retries, as it does when Kinesis fails.
      if (!outgoing.headersSent) outgoing.writeHead(500);
      outgoing.end(String(error));
    });
  });
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      const closed = new Promise((resolve) => server.close(resolve));
      // The daemon's sessions stay open after it dies until they are ended here.
      for (const session of sessions) session.destroy();
      await closed;
    },
  };
}
