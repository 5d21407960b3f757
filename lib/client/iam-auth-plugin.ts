import { TLSSocket } from 'node:tls';
import type { AuthPlugin } from 'mysql2';
import { TlsRequiredError } from './client-errors';

/** Where a fresh token comes from at each handshake, e.g. `IamTokenProvider.getToken`. */
export type TokenSource = () => Promise<string>;

/**
 * The `mysql_clear_password` auth plugin for IAM users. RDS's `AWSAuthenticationPlugin` asks the client to switch
 * to cleartext and send the token; this plugin does so only when the socket is TLS with a verified server
 * certificate, and asks for the token only then, so a token is never even signed for an unprotected connection.
 *
 * It is called once per physical connection (and on `changeUser`), which is what lets a pool outlive its first token.
 * Registering it also satisfies mysql2 ≥ 3.22, which refuses cleartext unless a plugin or `enableCleartextPlugin`
 * is given.
 */
export function iamClearPasswordPlugin(tokenSource: TokenSource): AuthPlugin {
  return ({ connection }) =>
    async () => {
      assertVerifiedTls(socketOf(connection));
      const token = await tokenSource();
      return Buffer.from(`${token}\0`, 'utf8');
    };
}

function socketOf(connection: unknown): unknown {
  return typeof connection === 'object' && connection !== null && 'stream' in connection
    ? (connection as { readonly stream: unknown }).stream
    : undefined;
}

function assertVerifiedTls(socket: unknown): void {
  if (!(socket instanceof TLSSocket) || !socket.encrypted) {
    throw new TlsRequiredError(
      'refusing to send an IAM token over a connection without TLS: the server asked for mysql_clear_password, ' +
        'which would put the token on the network in clear text for anyone on the path to reuse for up to 15 ' +
        'minutes. Nothing was sent. Fix: connect with TLS (this library\'s createConnection/createPool always do; ' +
        'with plain mysql2 set ssl: { ca, rejectUnauthorized: true, verifyIdentity: true }).',
    );
  }
  if (!socket.authorized) {
    throw new TlsRequiredError(
      `refusing to send an IAM token: the server's TLS certificate was not verified (${String(socket.authorizationError ?? 'rejectUnauthorized is off')}), ` +
        'so the server may not be the database. Nothing was sent. Fix: verify the certificate against the RDS CA ' +
        'bundle (the default here) or the CA of your server, with rejectUnauthorized left on.',
    );
  }
}
