// KCL 2.x and 3.x force HTTP/2 on their Kinesis client: on an `http://` endpoint, HTTP/2 with
// prior knowledge (h2c), which kinesalite cannot answer; the AWS SDK for JavaScript (given an
// HTTP/1.1 handler), the AWS CLI and kinesalite's other users speak HTTP/1.1. One port serves
// both: a connection that opens with HTTP/2's preface goes to an HTTP/2 server, any other to an
// HTTP/1.1 one, so that every client of a local stream is given the same endpoint.
import { createServer as createHttp1Server, type IncomingHttpHeaders } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import { createServer } from 'node:net';
import { type LoopbackServer, onLoopback } from '../loopback.js';

/** The start of HTTP/2's connection preface (`PRI * HTTP/2.0`): no HTTP/1.1 method is `PRI`. */
const HTTP2_PREFACE_START = Buffer.from('PRI');

/** A request, whichever HTTP version it came in. */
export interface Incoming extends AsyncIterable<Buffer> {
  headers: IncomingHttpHeaders;
}

/** Its response, whichever HTTP version it goes out in. */
export interface Outgoing {
  readonly headersSent: boolean;
  writeHead(status: number, headers?: Record<string, string | number>): unknown;
  end(body: string): unknown;
}

/** A server that hands each request of either version to `handle`. */
export function createHttp1And2Server(
  handle: (incoming: Incoming, outgoing: Outgoing) => void,
): LoopbackServer {
  const http1 = createHttp1Server(handle);
  const http2 = createHttp2Server(handle);
  const server = createServer((socket) => {
    socket.once('readable', function route() {
      const start: Buffer | null = socket.read(HTTP2_PREFACE_START.length);
      if (start === null) {
        // Fewer bytes than that so far: wait for more (the end gives what there is).
        socket.once('readable', route);
        return;
      }
      socket.unshift(start);
      (start.equals(HTTP2_PREFACE_START) ? http2 : http1).emit('connection', socket);
    });
  });
  return onLoopback(server);
}
