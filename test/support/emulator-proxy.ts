/**
 * Test helper: an RDS Proxy stand-in (lib/emulator/proxy) in front of the file's emulator, started in beforeAll and
 * stopped in afterAll. Clients connect to its loopback address and sign tokens for its proxy-shaped name.
 */
import type { RunningEmulator } from '../../lib/emulator';
import { startEmulatorProxy, type EmulatorProxyOptions, type RunningEmulatorProxy } from '../../lib/emulator/proxy';

/** A proxy endpoint name shaped as RDS makes them. */
export const PROXY_ENDPOINT_HOST = 'orders-dev-proxy.proxy-c9akciq32xyz.eu-west-1.rds.amazonaws.com';

/** Starts a proxy in front of `emulator()` once the emulator runs; returns its getter. */
export function useEmulatorProxy(
  emulator: () => RunningEmulator,
  options: Omit<EmulatorProxyOptions, 'backend'> = {},
): () => RunningEmulatorProxy {
  let proxy: RunningEmulatorProxy | undefined;
  beforeAll(async () => {
    proxy = await startEmulatorProxy({ endpointHost: PROXY_ENDPOINT_HOST, ...options, backend: emulator() });
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  return () => {
    if (proxy === undefined) throw new Error('the proxy is not running yet: call the getter inside a test or hook');
    return proxy;
  };
}
