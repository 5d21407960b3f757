import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SecureContext } from 'node:tls';
import { BackendRefusedError, logInToBackend, openBackend, type BackendTarget } from './backend-connection';
import { acceptClient, newScramble, proxyCapabilities } from './client-handshake';
import { buildErrorPacket, Capability, type ServerError } from './handshake-packets';
import { writePacket } from './packet-reader';
import { verifyProxyToken, type ProxyTokenPolicy } from './proxy-token-verifier';

/** What every session of one proxy shares. */
export interface SessionContext {
  readonly backend: BackendTarget;
  readonly policy: ProxyTokenPolicy;
  readonly secureContext: SecureContext;
  /** Signs a fresh token for the database's endpoint, as the proxy's role does on RDS. */
  readonly backendToken: (username: string) => Promise<string>;
  /** Whether the proxy's role may connect as the user on the database. */
  readonly roleMayConnectAs: (username: string) => boolean;
  readonly now: () => number;
  readonly handshakeTimeoutMs: number;
  readonly nextConnectionId: () => number;
  readonly record: (event: SessionEvent) => void;
}

/** What happened to one client connection: never with a token. */
export type SessionEvent =
  | { readonly kind: 'accepted'; readonly connectionId: number; readonly username: string }
  | { readonly kind: 'refused'; readonly connectionId: number; readonly username: string; readonly reason: string }
  | { readonly kind: 'failed'; readonly connectionId: number; readonly reason: string };

/**
 * One client connection, as RDS Proxy with end-to-end IAM authentication serves it: greet, require TLS, verify the
 * client's token for the proxy endpoint, log in to the database as the same user with a fresh token for the
 * database endpoint, pass the database's OK (or refusal) back, then pipe the session both ways.
 */
export async function serveClient(client: Socket, context: SessionContext): Promise<void> {
  const connectionId = context.nextConnectionId();
  const opened: Duplex[] = [client];
  const closeAll = () => opened.forEach((stream) => stream.destroy());
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    context.record({ kind: 'failed', connectionId, reason: `the handshake took longer than ${context.handshakeTimeoutMs} ms` });
    closeAll();
  }, context.handshakeTimeoutMs);
  client.setNoDelay(true);
  client.on('error', () => undefined); // a reset client is reported through the failing step, or ends the pipe
  try {
    const backend = await openBackend(context.backend);
    opened.push(backend.socket);
    const capabilities = proxyCapabilities(backend.greeting.capabilities);
    const login = await acceptClient(
      client,
      { ...backend.greeting, connectionId, capabilities, authPluginData: newScramble() },
      context.secureContext,
    );
    opened.push(login.session);
    const { username } = login.response;
    const refuse = (error: ServerError, reason: string) => {
      writePacket(login.session, login.nextSequenceId, buildErrorPacket(error));
      context.record({ kind: 'refused', connectionId, username, reason });
      login.session.end();
      backend.socket.destroy();
    };

    const verdict = await verifyProxyToken(login.token, username, context.policy, context.now());
    if (!verdict.accepted) {
      refuse({ code: 1045, sqlState: '28000', message: `Access denied for user '${username}' (using password: YES)` }, verdict.reason);
      return;
    }
    if (!context.roleMayConnectAs(username)) {
      const reason = `the proxy's role may not rds-db:connect as '${username.slice(0, 64)}' on the database, so the database refused the proxy's login`;
      refuse({ code: 1045, sqlState: '28000', message: `Access denied for user '${username}' (using password: YES)` }, reason);
      return;
    }
    const database = await logInToBackend(backend, context.backend, {
      username,
      database: login.response.database,
      // What the client and the proxy agreed on is what the database gets, so the piped bytes mean the same to both.
      capabilities: ((login.response.capabilities & capabilities) | Capability.SSL | Capability.PLUGIN_AUTH) >>> 0,
      maxPacketSize: login.response.maxPacketSize,
      characterSet: login.response.characterSet,
      token: await context.backendToken(username),
    }).catch((error: unknown) => (error instanceof BackendRefusedError ? error : Promise.reject(error)));
    if (database instanceof BackendRefusedError) {
      refuse(database.serverError, database.message);
      return;
    }
    opened.push(database.session);
    writePacket(login.session, login.nextSequenceId, database.okPayload);
    context.record({ kind: 'accepted', connectionId, username });
    pipeSession(login.session, database.session);
  } catch (error) {
    if (!timedOut) context.record({ kind: 'failed', connectionId, reason: error instanceof Error ? error.message : String(error) });
    closeAll();
  } finally {
    clearTimeout(deadline);
  }
}

/** Bytes both ways until either side goes; then the other is ended too (after what is in flight), or cut on error. */
function pipeSession(client: Duplex, database: Duplex): void {
  const cutBoth = () => {
    client.destroy();
    database.destroy();
  };
  client.pipe(database);
  database.pipe(client);
  client.once('close', () => database.end());
  database.once('close', () => client.end());
  client.on('error', cutBoth);
  database.on('error', cutBoth);
}
