import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';

/** A server on a loopback address, with every open connection ended by `close()`. */
export interface LoopbackServer {
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` or `https://…`. */
  readonly url: string;
  close(): Promise<void>;
}

export type RequestListener = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void | Promise<void>;

export interface LoopbackServerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 - a free port */
  readonly port?: number;
  /** Serve HTTPS with this certificate. @default - plain HTTP */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/** Starts a server whose handler gets the whole request body. */
export function startLoopbackServer(listener: RequestListener, options: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  const host = options.host ?? '127.0.0.1';
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      Promise.resolve(listener(request, Buffer.concat(chunks), response)).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error instanceof Error ? error.message : String(error));
      });
    });
  };
  const server = options.tls === undefined ? createHttpServer(handle) : createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handle);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const scheme = options.tls === undefined ? 'http' : 'https';
      resolve({
        host,
        port,
        url: `${scheme}://${host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
