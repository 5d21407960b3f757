import type { RunningEmulator } from '../emulator';
import type { RunningEmulatorProxy } from '../emulator/proxy';
import type { CliContext } from './cli-context';
import type { DeclaredProxy } from './declared-database';

/**
 * `rds-iam local` for a stack with an RDS Proxy: the emulator proxy in front of the emulator, named as RDS would
 * name the proxy, so the printed logins go through it as the stack's applications would.
 */
export async function startLocalProxy(emulator: RunningEmulator, declared: DeclaredProxy, context: CliContext): Promise<RunningEmulatorProxy> {
  const { startEmulatorProxy, rdsProxyEndpointHost } = await import('../emulator/proxy');
  return startEmulatorProxy({
    backend: emulator,
    endpointHost: rdsProxyEndpointHost(declared.name, emulator.region),
    onEvent: (event) => {
      if (event.kind === 'accepted') return;
      const who = event.kind === 'refused' ? ` of ${event.username}` : '';
      context.stderr.write(`proxy: ${event.kind === 'refused' ? 'refused the login' : 'dropped a connection'}${who}: ${event.reason}\n`);
    },
  });
}

/** How to log in through the proxy as each user some principal may connect as through it. */
export function proxyLoginInstructions(proxy: RunningEmulatorProxy, declared: DeclaredProxy): string {
  const flags = `--hostname ${proxy.endpointHost} --port ${proxy.endpointPort} --via ${proxy.host}:${proxy.port} --ca ${proxy.caFile}`;
  const lines = [
    `Through the RDS Proxy ${declared.name} (emulated: tokens signed for ${proxy.endpoint}, which logs in to the database with tokens of its own):`,
    ...declared.usernames.map((username) => `  npx rds-iam connect ${flags} --username ${username}`),
    '',
  ];
  return `${lines.join('\n')}\n`;
}
