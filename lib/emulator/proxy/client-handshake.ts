import { randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket, type SecureContext } from 'node:tls';
import {
  buildAuthSwitchRequest,
  buildErrorPacket,
  buildServerGreeting,
  Capability,
  CLEAR_PASSWORD_PLUGIN,
  clearPasswordOf,
  isSslRequest,
  parseHandshakeResponse,
  type HandshakeResponse,
  type ServerError,
  type ServerGreeting,
} from './handshake-packets';
import { PacketReader, writePacket } from './packet-reader';

/** A client that has switched to TLS and sent its user and IAM token. */
export interface ClientLogin {
  readonly response: HandshakeResponse;
  readonly token: string;
  /** The TLS session, reading on from where the handshake stopped. */
  readonly session: Duplex;
  /** The sequence id of the proxy's next packet (its OK or ERR). */
  readonly nextSequenceId: number;
}

/** The client would not switch to TLS, or broke the handshake; it was told why when it could be. */
export class ClientHandshakeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientHandshakeError';
  }
}

/** What MySQL answers a client that skips TLS when secure transport is required (RDS Proxy with RequireTLS). */
const INSECURE_TRANSPORT: ServerError = {
  code: 3159,
  sqlState: 'HY000',
  message: 'Connections using insecure transport are prohibited while --require_secure_transport=ON.',
};

/**
 * The server side of the handshake with a client, as RDS Proxy runs it: greet with the database's version and the
 * capabilities the proxy can carry, require the switch to TLS (with the proxy's certificate), take the user, and
 * ask for the token with `mysql_clear_password`, the switch the database's AWSAuthenticationPlugin would ask for.
 */
export async function acceptClient(socket: Socket, greeting: ServerGreeting, secureContext: SecureContext): Promise<ClientLogin> {
  const reader = new PacketReader(socket);
  writePacket(socket, 0, buildServerGreeting(greeting));
  const first = await reader.read();
  if (!isSslRequest(first.payload)) {
    writePacket(socket, first.sequenceId + 1, buildErrorPacket(INSECURE_TRANSPORT));
    throw new ClientHandshakeError('the client did not switch to TLS, which this proxy requires (RequireTLS)');
  }
  const tls = await acceptTls(reader.detach(), secureContext);
  const tlsReader = new PacketReader(tls);
  const responsePacket = await tlsReader.read();
  const response = parseHandshakeResponse(responsePacket.payload, greeting.capabilities);
  if (response.authPluginName === CLEAR_PASSWORD_PLUGIN) {
    return { response, token: clearPasswordOf(response.authResponse), session: tlsReader.detach(), nextSequenceId: responsePacket.sequenceId + 1 };
  }
  writePacket(tls, responsePacket.sequenceId + 1, buildAuthSwitchRequest(CLEAR_PASSWORD_PLUGIN));
  const password = await tlsReader.read();
  return { response, token: clearPasswordOf(password.payload), session: tlsReader.detach(), nextSequenceId: password.sequenceId + 1 };
}

/** The capabilities the proxy offers clients: the database's, less what it cannot carry through a byte pipe. */
export function proxyCapabilities(backendCapabilities: number): number {
  const required = Capability.PROTOCOL_41 | Capability.SSL | Capability.SECURE_CONNECTION | Capability.PLUGIN_AUTH;
  if ((backendCapabilities & required) !== required) {
    throw new Error('the database does not offer protocol 4.1 with TLS and auth plugins, which the proxy needs');
  }
  // Compression is per hop; connection attributes and the extension flags are handshake-only and not forwarded.
  const perHop =
    Capability.COMPRESS | Capability.ZSTD_COMPRESSION | Capability.CONNECT_ATTRS | Capability.MULTI_FACTOR_AUTHENTICATION |
    Capability.CAPABILITY_EXTENSION | Capability.SSL_VERIFY_SERVER_CERT | Capability.REMEMBER_OPTIONS;
  return (backendCapabilities & ~perHop) >>> 0;
}

/** A scramble for the greeting: 20 bytes without NUL, as servers send. Nothing is computed from it. */
export function newScramble(): Buffer {
  return Buffer.from(Array.from({ length: 20 }, () => randomInt(1, 128)));
}

function acceptTls(stream: Duplex, secureContext: SecureContext): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tls = new TLSSocket(stream, { isServer: true, secureContext, requestCert: false });
    tls.once('secure', () => resolve(tls));
    tls.once('error', reject);
    tls.once('close', () => reject(new ClientHandshakeError('the client closed the connection during the TLS handshake')));
  });
}
