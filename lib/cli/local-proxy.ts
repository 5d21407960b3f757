import type { RunningEmulator } from '../emulator';
import type { RunningEmulatorProxy } from '../emulator/proxy';
import type { EnvironmentConfig } from '../../app/environments';
import type { CliContext } from './cli-context';

/**
 * `rds-iam local` for an environment that declares an RDS Proxy: the emulator proxy in front of the emulator, named
 * as RDS would name the proxy, so the printed logins go through it as the environment's applications would.
 */
export async function startLocalProxy(emulator: RunningEmulator, environment: EnvironmentConfig, context: CliContext): Promise<RunningEmulatorProxy | undefined> {
  if (environment.proxy === undefined) return undefined;
  const { startEmulatorProxy } = await import('../emulator/proxy');
  return startEmulatorProxy({
    backend: emulator,
    endpointHost: `${environment.proxy.name}.proxy-c9akciq32xyz.${emulator.region}.rds.amazonaws.com`,
    onEvent: (event) => {
      if (event.kind === 'accepted') return;
      const who = event.kind === 'refused' ? ` of ${event.username}` : '';
      context.stderr.write(`proxy: ${event.kind === 'refused' ? 'refused the login' : 'dropped a connection'}${who}: ${event.reason}\n`);
    },
  });
}

/** How to log in through the proxy as each user it carries. */
export function proxyLoginInstructions(proxy: RunningEmulatorProxy, environment: EnvironmentConfig): string {
  const name = environment.proxy?.name ?? '';
  const flags = `--hostname ${proxy.endpointHost} --port ${proxy.endpointPort} --via ${proxy.host}:${proxy.port} --ca ${proxy.caFile}`;
  const lines = [
    `Through the RDS Proxy ${name} (emulated: tokens signed for ${proxy.endpoint}, which logs in to the database with tokens of its own):`,
    ...(environment.proxy?.users ?? []).map((user) => `  npx rds-iam connect ${flags} --username ${user.username}`),
    '',
  ];
  return `${lines.join('\n')}\n`;
}
