import { randomBytes } from 'node:crypto';
import { mkdir, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { copyTemplateDataDirectory, templateDataDirectory } from './data-directory-template';
import { EmulatorError } from './emulator-error';
import { resolveEmulatorOptions, type EmulatorOptions, type ResolvedEmulatorOptions } from './emulator-options';
import { DEFAULT_ADMIN_USER, masterAccountStatements } from './master-account';
import { buildPlugin } from './plugin-build';
import type { RunningEmulator } from './running-emulator';
import type { ServerInstallation } from './server-installation';
import { serverInstallation } from './server-installations';
import { waitUntilReady } from './server-readiness';
import { spawnServer, type ServerLaunchSettings, type ServerProcess } from './server-process';
import { createTestCertificates, type TestCertificates } from './test-certificates';
import { track, untrack, type TrackedServer } from './exit-cleanup';
import { createWorkDirectory } from './work-directory';

/** The only address the server listens on. */
const LISTEN_HOST = '127.0.0.1';
/** A free port can be taken by another process between our probe and the server's bind; then try another. */
const PORT_ATTEMPTS = 5;

/**
 * Starts a throwaway MariaDB or Oracle MySQL (`engine`) that verifies real RDS IAM tokens: the
 * AWSAuthenticationPlugin built from lib/emulator/plugin (cached), a copy of a cached template data directory, a
 * fresh test CA and server certificate, TLS on 127.0.0.1, and an RDS-like master user. Resolves once that user can
 * log in. MySQL is downloaded into the user's cache on first use (scripts/ensure-mysql-server.sh).
 * @throws EmulatorError with a code per failed step and the server's log tail when it would not start.
 */
export async function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator> {
  const settings = resolveEmulatorOptions(options);
  const installation = await serverInstallation(settings.engine);
  const workDirectory = await createWorkDirectory();
  try {
    return await startIn(workDirectory, settings, installation);
  } catch (error) {
    await rm(workDirectory, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(
  workDirectory: string,
  settings: ResolvedEmulatorOptions,
  installation: ServerInstallation,
): Promise<RunningEmulator> {
  const dataDirectory = join(workDirectory, 'data');
  const tlsDirectory = join(workDirectory, 'tls');
  const credentialsFile = join(workDirectory, 'credentials');
  const initFile = join(workDirectory, 'init.sql');
  const errorLogFile = join(workDirectory, 'server.err');
  const adminPassword = randomBytes(18).toString('base64url');
  const hostNames = [...new Set([settings.endpointHost, 'localhost', LISTEN_HOST])];

  await mkdir(tlsDirectory, { mode: 0o700 });
  const [plugin, certificates] = await Promise.all([
    buildPlugin(installation.plugin),
    createTestCertificates(tlsDirectory, hostNames),
    templateDataDirectory(installation).then((template) => copyTemplateDataDirectory(template, dataDirectory)),
    writeFile(credentialsFile, credentialsLine(settings), { mode: 0o600 }),
    writeFile(initFile, masterAccountStatements(installation.engine, DEFAULT_ADMIN_USER, adminPassword).map((sql) => `${sql};\n`).join(''), {
      mode: 0o600,
    }),
  ]);

  const launch = (port: number): ServerLaunchSettings => ({
    dataDirectory,
    port,
    plugin,
    certificates,
    endpoint: `${settings.endpointHost}:${port}`,
    region: settings.region,
    credentialsFile,
    maxClockSkewSeconds: settings.maxClockSkewSeconds,
    initFile,
    errorLogFile,
    environment: settings.serverEnvironment,
  });
  const { server, port, tracked } = await startOnFreePort(installation, settings, launch, certificates, adminPassword, workDirectory);
  await rm(initFile, { force: true }); // It holds the master password; the server has run it.
  return runningEmulator({ installation, settings, server, tracked, port, certificates, adminPassword, errorLogFile, workDirectory });
}

async function startOnFreePort(
  installation: ServerInstallation,
  settings: ResolvedEmulatorOptions,
  launch: (port: number) => ServerLaunchSettings,
  certificates: TestCertificates,
  adminPassword: string,
  workDirectory: string,
): Promise<{ server: ServerProcess; port: number; tracked: TrackedServer }> {
  const attempts = settings.port === undefined ? PORT_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const port = settings.port ?? (await freePort());
    const launchSettings = launch(port);
    await truncate(launchSettings.errorLogFile).catch(() => undefined);
    const server = spawnServer(installation, launchSettings);
    const tracked = track(server, workDirectory);
    const failure = await waitUntilReady(
      server,
      { port, user: DEFAULT_ADMIN_USER, password: adminPassword, caPem: certificates.caPem },
      launchSettings.errorLogFile,
    );
    if (failure === undefined) return { server, port, tracked };
    await server.kill();
    untrack(tracked);
    if (failure.kind === 'port-taken' && attempt < attempts) continue;
    const detail =
      failure.kind === 'port-taken'
        ? `port ${port} on ${LISTEN_HOST} is in use${settings.port !== undefined ? ': choose another port or leave it out' : ''}`
        : failure.detail;
    throw new EmulatorError('EMULATOR_SERVER_FAILED', `the emulator's ${installation.engine} ${installation.version} did not start: ${detail}`);
  }
}

interface RunningParts {
  readonly installation: ServerInstallation;
  readonly settings: ResolvedEmulatorOptions;
  readonly server: ServerProcess;
  readonly tracked: TrackedServer;
  readonly port: number;
  readonly certificates: TestCertificates;
  readonly adminPassword: string;
  readonly errorLogFile: string;
  readonly workDirectory: string;
}

function runningEmulator(parts: RunningParts): RunningEmulator {
  const { settings, server, tracked, port, certificates, workDirectory } = parts;
  let stopping: Promise<void> | undefined;
  return {
    engine: parts.installation.engine,
    serverVersion: parts.installation.version,
    host: LISTEN_HOST,
    port,
    endpointHost: settings.endpointHost,
    endpoint: `${settings.endpointHost}:${port}`,
    region: settings.region,
    accessKeyId: settings.accessKeyId,
    secretAccessKey: settings.secretAccessKey,
    sessionToken: settings.sessionToken,
    caFile: certificates.caFile,
    caPem: certificates.caPem,
    adminUser: DEFAULT_ADMIN_USER,
    adminPassword: parts.adminPassword,
    errorLogFile: parts.errorLogFile,
    pid: server.pid,
    exited: server.exited.then(() => undefined),
    stop: () => {
      stopping ??= (async () => {
        await server.kill();
        untrack(tracked);
        await rm(workDirectory, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

function credentialsLine(settings: ResolvedEmulatorOptions): string {
  const fields = [settings.accessKeyId, settings.secretAccessKey];
  if (settings.sessionToken !== undefined) fields.push(settings.sessionToken);
  return `${fields.join(' ')}\n`;
}

/** A port the kernel just handed out as free on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, LISTEN_HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
