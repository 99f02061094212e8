// The JSON protocol between the front and kinesalite behind it, and the front's answers.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Incoming, Outgoing } from './http1And2.js';

/** A request's or an answer's JSON body. */
export type Body = Record<string, unknown>;

/** An answer: its status and JSON body. */
export interface Answer {
  status: number;
  body: unknown;
}

export async function readAll(incoming: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export function reply(response: Outgoing, answer: Answer): void {
  const text = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomBytes(8).toString('hex'),
  });
  response.end(text);
}

/**
 * One JSON call to kinesalite: `action` sets the target, else the caller's headers are kept
 * (HTTP/2's pseudo-headers, `:path` and the like, left out: HTTP/1.1 has none).
 */
export function call(
  backend: AddressInfo,
  action: string | undefined,
  body: Body,
  headers: Incoming['headers'] = {},
): Promise<Answer> {
  const text = JSON.stringify(body);
  const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => name[0] !== ':'));
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port: backend.port,
        method: 'POST',
        path: '/',
        headers: {
          ...kept,
          ...(action === undefined ? {} : { 'x-amz-target': `Kinesis_20131202.${action}` }),
          'content-type': 'application/x-amz-json-1.1',
          'content-length': Buffer.byteLength(text),
          authorization:
            headers.authorization ??
            'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
          'x-amz-date': headers['x-amz-date'] ?? '20260101T000000Z',
        },
      },
      async (incoming) => {
        const raw = (await readAll(incoming)).toString('utf8');
        resolve({ status: incoming.statusCode!, body: raw === '' ? {} : JSON.parse(raw) });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(text);
  });
}
