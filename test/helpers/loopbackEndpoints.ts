// What the real KPL connects to, all on 127.0.0.1 and all over TLS (the KPL has no plain HTTP):
// a TLS front for the project's local Kinesis, and one stub that answers STS GetCallerIdentity
// (without an answer the KPL 0.15 binary exits) and records every request it gets, CloudWatch's
// included, so that a test sees what the KPL asked for.
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';

/** kinesalite's self-signed certificate for 127.0.0.1: the KPL runs with VerifyCertificate=false. */
function certificate(): { key: Buffer; cert: Buffer } {
  const directory = join(dirname(require.resolve('kinesalite/package.json')), 'ssl');
  return {
    key: readFileSync(join(directory, 'server-key.pem')),
    cert: readFileSync(join(directory, 'server-crt.pem')),
  };
}

/** A server on 127.0.0.1 that can be stopped with its connections open. */
async function listen(server: Server): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** TLS on a port of its own, passed as bytes to a plain HTTP endpoint on 127.0.0.1. */
export function startTlsFront(plainPort: number): Promise<{ port: number; stop(): Promise<void> }> {
  const server = createTlsServer(certificate(), (tls) => {
    const plain = connect(plainPort, '127.0.0.1');
    tls.pipe(plain).pipe(tls);
    tls.on('error', () => plain.destroy());
    plain.on('error', () => tls.destroy());
  });
  return listen(server);
}

/** A request the stub got: its `Action` (STS and CloudWatch speak the query protocol). */
export interface StubRequest {
  action: string;
}

/** The STS stub; every request it got is in `requests`. */
export async function startStsStub(): Promise<{
  port: number;
  requests: StubRequest[];
  stop(): Promise<void>;
}> {
  const requests: StubRequest[] = [];
  const server = createHttpsServer(certificate(), (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const action = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('Action');
      requests.push({ action: action ?? '(none)' });
      if (action !== 'GetCallerIdentity') {
        response.writeHead(400, { 'content-type': 'text/xml' });
        response.end(
          '<ErrorResponse><Error><Code>InvalidAction</Code><Message>only GetCallerIdentity</Message></Error></ErrorResponse>',
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        [
          '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
          '<GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:user/local</Arn>',
          '<UserId>LOCAL</UserId><Account>000000000000</Account></GetCallerIdentityResult>',
          '<ResponseMetadata><RequestId>local</RequestId></ResponseMetadata>',
          '</GetCallerIdentityResponse>',
        ].join(''),
      );
    });
  });
  return { ...(await listen(server)), requests };
}
