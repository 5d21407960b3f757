/**
 * The part RDS puts after `proxy-` in the endpoints of one account and region (`<name>.proxy-<it>.<region>.rds.amazonaws.com`):
 * the emulator, `rds-iam local` and the rehearsal use this one, so their names agree.
 */
const EMULATED_ENDPOINT_ID = 'c9akciq32xyz';

/** A proxy's endpoint as RDS makes it from its `DBProxyName`: `<name>.proxy-c9akciq32xyz.<region>.rds.amazonaws.com`, lower-case. */
export function rdsProxyEndpointHost(proxyName: string, region: string): string {
  return `${proxyName}.proxy-${EMULATED_ENDPOINT_ID}.${region}.rds.amazonaws.com`.toLowerCase();
}
