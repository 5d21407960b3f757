import { connect as connectTcp } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import {
  authSwitchPluginName,
  buildHandshakeResponse,
  buildSslRequest,
  CLEAR_PASSWORD_PLUGIN,
  isAuthSwitchRequest,
  isErrorPacket,
  isOkPacket,
  parseErrorPacket,
  parseServerGreeting,
  type ServerError,
  type ServerGreeting,
} from './handshake-packets';
import { PacketReader, writePacket } from './packet-reader';

/** The database behind the proxy: where to connect, and the name its certificate and tokens carry. */
export interface BackendTarget {
  readonly host: string;
  readonly port: number;
  /** Host name the database's certificate names and its tokens are signed for. */
  readonly endpointHost: string;
  readonly caPem: string;
}

/** A TCP connection to the database that has sent its greeting and waits for the login. */
export interface OpenedBackend {
  readonly greeting: ServerGreeting;
  readonly reader: PacketReader;
  readonly socket: Duplex;
}

/** How the proxy logs in: as the client's user, with the capabilities the client negotiated, and a token of its own. */
export interface BackendLogin {
  readonly username: string;
  readonly database?: string;
  readonly capabilities: number;
  readonly maxPacketSize: number;
  readonly characterSet: number;
  readonly token: string;
}

/** The database refused the login: its error, to be passed on to the client. */
export class BackendRefusedError extends Error {
  constructor(public readonly serverError: ServerError) {
    super(`the database refused the proxy's login: ${serverError.code} (${serverError.sqlState}) ${serverError.message}`);
    this.name = 'BackendRefusedError';
  }
}

/** Connects and reads the greeting; an ERR instead of a greeting (too many connections, host blocked) is thrown. */
export async function openBackend(target: BackendTarget): Promise<OpenedBackend> {
  const socket = connectTcp({ host: target.host, port: target.port });
  socket.setNoDelay(true);
  const reader = new PacketReader(socket);
  try {
    const { payload } = await reader.read();
    if (isErrorPacket(payload)) throw new BackendRefusedError(parseErrorPacket(payload));
    return { greeting: parseServerGreeting(payload), reader, socket };
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

/**
 * Logs in over TLS (verified against the database's CA and endpoint name) as RDS Proxy does with end-to-end IAM:
 * the handshake response, then the token through `mysql_clear_password` when the server's AWSAuthenticationPlugin
 * asks for it. Resolves with the session stream and the server's OK packet.
 */
export async function logInToBackend(backend: OpenedBackend, target: BackendTarget, login: BackendLogin): Promise<{ session: Duplex; okPayload: Buffer }> {
  let sequenceId = 1;
  writePacket(backend.socket, sequenceId, buildSslRequest(login));
  const tls = await startTls(backend.reader.detach(), target);
  const reader = new PacketReader(tls);
  sequenceId += 1;
  writePacket(tls, sequenceId, buildHandshakeResponse({ ...login, authResponse: Buffer.alloc(0), authPluginName: backend.greeting.authPluginName }));
  for (;;) {
    const packet = await reader.read();
    sequenceId = packet.sequenceId + 1;
    if (isOkPacket(packet.payload)) return { session: reader.detach(), okPayload: packet.payload };
    if (isErrorPacket(packet.payload)) throw new BackendRefusedError(parseErrorPacket(packet.payload));
    if (isAuthSwitchRequest(packet.payload) && authSwitchPluginName(packet.payload) === CLEAR_PASSWORD_PLUGIN) {
      writePacket(tls, sequenceId, Buffer.concat([Buffer.from(login.token, 'utf8'), Buffer.from([0])]));
      continue;
    }
    // A user that is not IDENTIFIED WITH AWSAuthenticationPlugin, or none at all (servers then play a password
    // exchange to the end rather than say so): the proxy has no password to give, so the login ends here.
    const asked = isAuthSwitchRequest(packet.payload) ? `auth plugin '${authSwitchPluginName(packet.payload)}'` : 'more password authentication data';
    throw new BackendRefusedError({
      code: 1045,
      sqlState: '28000',
      message: `Access denied for user '${login.username}': the database asked for ${asked}, not for an IAM token (is the user IDENTIFIED WITH AWSAuthenticationPlugin?)`,
    });
  }
}

function startTls(stream: Duplex, target: BackendTarget): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tls = connectTls({ socket: stream, servername: target.endpointHost, ca: target.caPem, minVersion: 'TLSv1.2' });
    tls.once('secureConnect', () => resolve(tls));
    tls.once('error', reject);
  });
}
