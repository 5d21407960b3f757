import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { BuiltPlugin } from './plugin-build';
import type { ServerInstallation } from './server-installation';
import { THROWAWAY_SERVER_OPTIONS, runAsCurrentUserOptions } from './server-options';
import type { TestCertificates } from './test-certificates';
import { findProgram } from './system-programs';

/** Everything one server process of the emulator is started with. */
export interface ServerLaunchSettings {
  readonly dataDirectory: string;
  readonly port: number;
  readonly plugin: BuiltPlugin;
  readonly certificates: TestCertificates;
  /** `host:port` tokens must be signed for. */
  readonly endpoint: string;
  readonly region: string;
  /** The plugin's key pairs: a file, so secrets show neither in `ps` nor in SHOW VARIABLES. */
  readonly credentialsFile: string;
  readonly maxClockSkewSeconds: number;
  /** SQL run before the first connection is accepted (the master user). */
  readonly initFile: string;
  readonly errorLogFile: string;
  /** Added to this process's environment for the server. */
  readonly environment: Readonly<Record<string, string>>;
}

/** How a server process ended. */
export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A started server. */
export interface ServerProcess {
  readonly pid: number;
  /** Settles when the process has exited, for whatever reason. */
  readonly exited: Promise<ServerExit>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** SIGKILL, then waits for the exit. The data is thrown away, so a clean InnoDB shutdown (~2 s) buys nothing. */
  kill(): Promise<void>;
}

/** The server's options: only explicit paths, no option file, listening on 127.0.0.1 only. */
export function serverArguments(installation: ServerInstallation, settings: ServerLaunchSettings): string[] {
  const { dataDirectory, certificates, plugin } = settings;
  return [
    '--no-defaults',
    ...runAsCurrentUserOptions(),
    ...installation.locationOptions,
    `--datadir=${dataDirectory}`,
    `--socket=${join(dataDirectory, 'server.sock')}`,
    `--pid-file=${join(dataDirectory, 'server.pid')}`,
    `--tmpdir=${dataDirectory}`,
    `--secure-file-priv=${dataDirectory}`,
    `--log-error=${settings.errorLogFile}`,
    '--bind-address=127.0.0.1',
    `--port=${settings.port}`,
    ...installation.storageOptions,
    ...THROWAWAY_SERVER_OPTIONS,
    ...installation.runOptions,
    `--ssl-ca=${certificates.caFile}`,
    `--ssl-cert=${certificates.certificateFile}`,
    `--ssl-key=${certificates.keyFile}`,
    `--plugin-dir=${plugin.directory}`,
    `--plugin-load-add=AWSAuthenticationPlugin=${plugin.fileName}`,
    // FORCE: a plugin that fails to initialise (bad settings) stops the server instead of leaving it without IAM auth.
    '--awsauthenticationplugin=FORCE',
    `--awsauthenticationplugin-endpoint=${settings.endpoint}`,
    `--awsauthenticationplugin-region=${settings.region}`,
    `--awsauthenticationplugin-credentials-file=${settings.credentialsFile}`,
    `--awsauthenticationplugin-max-clock-skew=${settings.maxClockSkewSeconds}`,
    `--init-file=${settings.initFile}`,
  ];
}

/**
 * Starts the server. Under Linux it is started through `setpriv --pdeathsig KILL`, which execs the server with the
 * same pid and makes the kernel kill it if this process dies without stopping it (a crashed Jest worker leaves no
 * server). MySQL's unpacked loader runs mysqld inside its own process, so the pid is the server's either way.
 */
export function spawnServer(installation: ServerInstallation, settings: ServerLaunchSettings): ServerProcess {
  const args = [...installation.server.args, ...serverArguments(installation, settings)];
  const child = withParentDeathSignal(installation.server.program, args, { ...process.env, ...settings.environment });
  let exited = false;
  const exitPromise = new Promise<ServerExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.once('error', () => {
      exited = true;
      resolve({ code: null, signal: null });
    });
  });
  return {
    pid: child.pid ?? -1,
    exited: exitPromise,
    hasExited: () => exited,
    kill: async () => {
      if (!exited) child.kill('SIGKILL');
      await exitPromise;
    },
  };
}

function withParentDeathSignal(program: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  let setpriv: string | undefined;
  try {
    setpriv = process.platform === 'linux' ? findProgram('setpriv') : undefined;
  } catch {
    setpriv = undefined; // util-linux without setpriv: the exit hook in start-emulator.ts still cleans up.
  }
  return setpriv !== undefined
    ? spawn(setpriv, ['--pdeathsig', 'KILL', '--', program, ...args], { stdio: 'ignore', env })
    : spawn(program, args, { stdio: 'ignore', env });
}
