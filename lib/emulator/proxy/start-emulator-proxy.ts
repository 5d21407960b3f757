import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { generateAuthToken } from '../../client/iam-token-provider';
import { EmulatorError } from '../emulator-error';
import { createTestCertificates } from '../test-certificates';
import { createWorkDirectory } from '../work-directory';
import { resolveEmulatorProxyOptions, type EmulatorProxyOptions, type ResolvedEmulatorProxyOptions } from './emulator-proxy-options';
import { serveClient, type SessionContext, type SessionEvent } from './proxy-session';
import type { EmulatorProxyCounts, RunningEmulatorProxy } from './running-emulator-proxy';

const LISTEN_HOST = '127.0.0.1';
const EVENTS_KEPT = 500;

/**
 * Starts an RDS Proxy stand-in on loopback in front of a running emulator, in this process: it terminates the
 * client's TLS with a certificate for a proxy-shaped endpoint name (from its own test CA), verifies the client's IAM
 * token for that name, logs in to the emulator as the same user with a fresh token for the emulator's endpoint, and
 * pipes the session, as RDS Proxy does with end-to-end IAM authentication.
 *
 * Clients reach it by address and sign for its name: `createPool({ host: proxy.host, port: proxy.port,
 * endpoint: proxy.endpoint, ca: proxy.caPem, … })`.
 */
export async function startEmulatorProxy(options: EmulatorProxyOptions): Promise<RunningEmulatorProxy> {
  const settings = resolveEmulatorProxyOptions(options);
  const directory = await createWorkDirectory();
  try {
    const tlsDirectory = join(directory, 'tls');
    await mkdir(tlsDirectory, { mode: 0o700 });
    const certificates = await createTestCertificates(tlsDirectory, [settings.endpointHost]);
    const secureContext = createSecureContext({
      cert: await readFile(certificates.certificateFile),
      key: await readFile(certificates.keyFile),
      minVersion: 'TLSv1.2',
    });
    const tally = new SessionTally(settings.onEvent);
    const sockets = new Set<Socket>();
    const context = sessionContext(settings, secureContext, tally);
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      void serveClient(socket, context);
    });
    const port = await listen(server, settings.port);
    let stopping: Promise<void> | undefined;
    return {
      host: LISTEN_HOST,
      port,
      endpointHost: settings.endpointHost,
      endpointPort: settings.endpointPort,
      endpoint: `${settings.endpointHost}:${settings.endpointPort}`,
      region: settings.backend.region,
      caFile: certificates.caFile,
      caPem: certificates.caPem,
      counts: () => tally.counts(),
      events: () => tally.events(),
      stop: () => {
        stopping ??= (async () => {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          sockets.forEach((socket) => socket.destroy());
          await closed;
          await rm(directory, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

function sessionContext(settings: ResolvedEmulatorProxyOptions, secureContext: SessionContext['secureContext'], tally: SessionTally): SessionContext {
  const { backend } = settings;
  let connections = 0;
  return {
    backend: { host: backend.host, port: backend.port, endpointHost: backend.endpointHost, caPem: backend.caPem },
    policy: {
      endpointHost: settings.endpointHost,
      endpointPort: settings.endpointPort,
      region: backend.region,
      accessKeyId: backend.accessKeyId,
      secretAccessKey: backend.secretAccessKey,
      sessionToken: backend.sessionToken,
      maxClockSkewSeconds: settings.maxClockSkewSeconds,
    },
    secureContext,
    backendToken: async (username) => {
      const token = await generateAuthToken({
        hostname: backend.endpointHost,
        port: backend.port,
        username,
        region: backend.region,
        credentials: { accessKeyId: backend.accessKeyId, secretAccessKey: backend.secretAccessKey, sessionToken: backend.sessionToken },
      });
      tally.databaseTokenSigned();
      return token;
    },
    roleMayConnectAs: settings.roleMayConnectAs,
    now: settings.now,
    handshakeTimeoutMs: settings.handshakeTimeoutMs,
    nextConnectionId: () => (connections += 1),
    record: (event) => tally.record(event),
  };
}

/** Counts and the latest events of one proxy. */
class SessionTally {
  private readonly kept: SessionEvent[] = [];
  private readonly tallies = { accepted: 0, refused: 0, failed: 0, databaseTokensSigned: 0 };

  constructor(private readonly onEvent: (event: SessionEvent) => void) {}

  record(event: SessionEvent): void {
    this.tallies[event.kind] += 1;
    this.kept.push(event);
    if (this.kept.length > EVENTS_KEPT) this.kept.shift();
    this.onEvent(event);
  }

  databaseTokenSigned(): void {
    this.tallies.databaseTokensSigned += 1;
  }

  counts(): EmulatorProxyCounts {
    return { ...this.tallies };
  }

  events(): readonly SessionEvent[] {
    return [...this.kept];
  }
}

function listen(server: Server, port: number | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new EmulatorError(
          'EMULATOR_SERVER_FAILED',
          error.code === 'EADDRINUSE' ? `port ${port} on ${LISTEN_HOST} is in use: choose another port or leave it out` : `the proxy could not listen: ${error.message}`,
          { cause: error },
        ),
      ),
    );
    server.listen(port ?? 0, LISTEN_HOST, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}
