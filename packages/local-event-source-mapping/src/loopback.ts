import type { AddressInfo, Server, Socket } from 'node:net';

/** A server of the local services, listening on 127.0.0.1 only. */
export interface LoopbackServer {
  /** Listens on 127.0.0.1 (`port` 0: any free one); resolves with the port, rejects if taken. */
  listen(port: number): Promise<number>;
  /**
   * Stops listening and ends every connection, those of clients still connected included: a KCL
   * daemon keeps its HTTP/2 sessions open, an SDK client its keep-alive sockets.
   */
  close(): Promise<void>;
}

/** `server`, on loopback, closed with its connections. */
export function onLoopback(server: Server): LoopbackServer {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    listen: (port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
