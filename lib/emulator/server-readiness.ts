import { setTimeout as delay } from 'node:timers/promises';
import { createConnection } from 'mysql2';
import { readFile } from 'node:fs/promises';
import type { ServerProcess } from './server-process';

/** How the emulator's master user reaches the server, over verified TLS like any client. */
export interface ReadinessProbe {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly caPem: string;
}

/** Why a server did not become ready. */
export type StartFailure = { readonly kind: 'port-taken' } | { readonly kind: 'failed'; readonly detail: string };

const POLL_INTERVAL_MS = 10;
const START_TIMEOUT_MS = 60_000;
/** The server listens before it accepts; these mean "not yet" (or "it died", which the exit check then tells). */
const NOT_YET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST', 'EPIPE']);

/**
 * Waits until the master user can log in over TLS. The server runs its init file (which creates that user) before
 * it accepts a connection, so one successful login means the server is fully ready.
 * @returns undefined when ready, otherwise why not (the server's exit is watched, not just a timeout).
 */
export async function waitUntilReady(server: ServerProcess, probe: ReadinessProbe, errorLogFile: string): Promise<StartFailure | undefined> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (server.hasExited()) return describeFailure(errorLogFile);
    let outcome: LoginOutcome;
    try {
      outcome = await loginOnce(probe, server.exited);
    } catch (error) {
      return { kind: 'failed', detail: `the master user could not log in: ${String(error)}` };
    }
    if (outcome === 'ready') return undefined;
    if (outcome === 'server-exited') return describeFailure(errorLogFile);
    if (Date.now() > deadline) {
      return { kind: 'failed', detail: `the server did not answer within ${START_TIMEOUT_MS / 1000} s\n${await logTail(errorLogFile)}` };
    }
    await delay(POLL_INTERVAL_MS);
  }
}

type LoginOutcome = 'ready' | 'not-yet' | 'server-exited';

/**
 * One login attempt, abandoned as soon as the server exits: whatever answers on the port then (another process
 * that holds it) must not keep us waiting for a handshake that never comes.
 */
function loginOnce(probe: ReadinessProbe, serverExited: Promise<unknown>): Promise<LoginOutcome> {
  return new Promise((resolve, reject) => {
    const connection = createConnection({
      host: '127.0.0.1',
      port: probe.port,
      user: probe.user,
      password: probe.password,
      ssl: { ca: probe.caPem, rejectUnauthorized: true, verifyIdentity: true },
    });
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      outcome();
    };
    connection.on('error', (error: Error & { readonly code?: string }) => {
      settle(() => {
        connection.destroy();
        if (typeof error.code === 'string' && NOT_YET_CODES.has(error.code)) resolve('not-yet');
        else reject(error);
      });
    });
    connection.once('connect', () => settle(() => connection.end(() => resolve('ready'))));
    void serverExited.then(() =>
      settle(() => {
        connection.destroy();
        resolve('server-exited');
      }),
    );
  });
}

async function describeFailure(errorLogFile: string): Promise<StartFailure> {
  const tail = await logTail(errorLogFile);
  if (/Address already in use|Bind on TCP\/IP port/i.test(tail)) return { kind: 'port-taken' };
  return { kind: 'failed', detail: `the server exited during start-up:\n${tail}` };
}

/** The last lines of the error log, for error messages. It holds no token: the plugin never logs one. */
export async function logTail(errorLogFile: string, lines = 15): Promise<string> {
  try {
    return (await readFile(errorLogFile, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no error log was written)';
  }
}
