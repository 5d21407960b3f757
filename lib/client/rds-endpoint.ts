import { isIP } from 'node:net';
import { HostnameMismatchError } from './client-errors';
import { requireHost, requirePort, splitHostAndPort } from './host-and-port';

/**
 * The hostname guard. RDS checks an IAM token against the host name and port it was signed for, and the TLS
 * certificate names the endpoint too, so both must be the real endpoint even when the bytes travel through an SSH
 * tunnel, an IP address or a CNAME.
 */

/** AWS partitions RDS runs in, told apart by the endpoint's DNS suffix and region. */
export type RdsPartition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b';

/** What an RDS endpoint name points at. */
export type RdsEndpointKind =
  | 'instance'
  | 'cluster-writer'
  | 'cluster-reader'
  | 'cluster-custom'
  | 'proxy'
  | 'proxy-endpoint'
  | 'other';

/** A host name recognized as an RDS endpoint. */
export interface RdsEndpointName {
  /** Lower-cased, without a trailing dot. */
  readonly hostname: string;
  readonly region: string;
  readonly partition: RdsPartition;
  readonly kind: RdsEndpointKind;
}

const RDS_ENDPOINT_PATTERN =
  /^(?<labels>[a-z0-9-]+(?:\.[a-z0-9-]+)*)\.(?<region>[a-z]{2}(?:-[a-z]+)+-\d+)\.rds\.(?<suffix>amazonaws\.com|amazonaws\.com\.cn|c2s\.ic\.gov|sc2s\.sgov\.gov)$/;

/** Recognizes `*.rds.amazonaws.com` (commercial and GovCloud), `*.rds.amazonaws.com.cn` and the ISO partitions. */
export function parseRdsEndpoint(hostname: string): RdsEndpointName | undefined {
  const normalized = hostname.trim().toLowerCase().replace(/\.$/, '');
  const match = RDS_ENDPOINT_PATTERN.exec(normalized);
  if (!match?.groups) return undefined;
  const { labels, region, suffix } = match.groups;
  const partition = partitionOf(region, suffix);
  if (partition === undefined) return undefined;
  return { hostname: normalized, region, partition, kind: kindOf(labels.split('.')) };
}

function partitionOf(region: string, suffix: string): RdsPartition | undefined {
  switch (suffix) {
    case 'amazonaws.com.cn':
      return region.startsWith('cn-') ? 'aws-cn' : undefined;
    case 'c2s.ic.gov':
      return region.startsWith('us-iso-') ? 'aws-iso' : undefined;
    case 'sc2s.sgov.gov':
      return region.startsWith('us-isob-') ? 'aws-iso-b' : undefined;
    default:
      if (region.startsWith('cn-') || region.startsWith('us-iso')) return undefined;
      return region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  }
}

function kindOf(labels: readonly string[]): RdsEndpointKind {
  const qualifier = labels[labels.length - 1];
  if (labels.length === 3 && labels[1] === 'endpoint' && qualifier.startsWith('proxy-')) return 'proxy-endpoint';
  if (labels.length !== 2) return 'other';
  if (qualifier.startsWith('cluster-ro-')) return 'cluster-reader';
  if (qualifier.startsWith('cluster-custom-')) return 'cluster-custom';
  if (qualifier.startsWith('cluster-')) return 'cluster-writer';
  if (qualifier.startsWith('proxy-')) return 'proxy';
  return 'instance';
}

/** Where the bytes go, and what the token is signed for and the certificate checked against. */
export interface ConnectionTarget {
  /** Host the TCP connection is opened to: the endpoint itself, a tunnel, an IP address. */
  readonly connectHost: string;
  readonly connectPort: number;
  /** Host name the token is signed for and the server certificate must name. */
  readonly endpointHost: string;
  /** Port the token is signed for: the database's port, not a local tunnel's. */
  readonly endpointPort: number;
  /** Set when the endpoint is an RDS name (undefined for an explicitly named non-RDS endpoint, e.g. the emulator). */
  readonly rds?: RdsEndpointName;
}

/** Input of {@link resolveConnectionTarget}. */
export interface ConnectionTargetOptions {
  /** Where to connect: an RDS endpoint, or a tunnel, IP address or CNAME when `endpoint` is given. */
  readonly host: string;
  /** @default 3306 */
  readonly port?: number;
  /**
   * The real endpoint, `host` or `host:port`, to sign the token for and verify TLS against.
   * @default - `host` and `port`, which must then be an RDS endpoint
   */
  readonly endpoint?: string;
}

/** Default MySQL port. */
export const DEFAULT_MYSQL_PORT = 3306;

/**
 * Applies the hostname guard: a token is only ever signed for a host name RDS will accept, or for an endpoint the
 * caller named explicitly. Throws {@link HostnameMismatchError} naming the host and the fix otherwise.
 */
export function resolveConnectionTarget(options: ConnectionTargetOptions): ConnectionTarget {
  const connectHost = requireHost(options.host, 'host');
  const connectPort = requirePort(options.port ?? DEFAULT_MYSQL_PORT, 'port');
  if (options.endpoint === undefined) {
    const rds = guardSigningHostname(connectHost, { subject: `host ${JSON.stringify(connectHost)}`, requireRdsName: true, fix: CLIENT_FIX });
    return { connectHost, connectPort, endpointHost: rds?.hostname ?? connectHost, endpointPort: connectPort, ...(rds === undefined ? {} : { rds }) };
  }
  const { host: endpointHost, port: endpointPort } = splitHostAndPort(options.endpoint, 'endpoint');
  const rds = guardSigningHostname(endpointHost, {
    subject: `endpoint ${JSON.stringify(options.endpoint)}`,
    requireRdsName: false,
    fix: "set endpoint to the DB endpoint name, e.g. 'mydb.abc123.us-east-1.rds.amazonaws.com', and keep the IP address in host.",
  });
  return {
    connectHost,
    connectPort,
    endpointHost: endpointHost.toLowerCase(),
    endpointPort: endpointPort ?? connectPort,
    rds,
  };
}

const CLIENT_FIX =
  "pass endpoint: '<db endpoint>[:port]' (e.g. 'mydb.abc123.us-east-1.rds.amazonaws.com:3306'; CLI: --hostname " +
  '<db endpoint> --via <host[:port]>) to sign for and verify TLS against, and keep this address as host.';

/** What {@link guardSigningHostname} checks, and how its refusal names the value and the fix. */
export interface SigningHostnameGuard {
  /** How the message names the value, e.g. `--hostname 10.1.2.3` or `host "localhost"`. */
  readonly subject: string;
  /** Refuse any name that is not an RDS endpoint (a CNAME, `localhost`), not only IP addresses. */
  readonly requireRdsName: boolean;
  /** The fix, in the caller's terms (option names, flags). */
  readonly fix: string;
}

/**
 * The one place the hostname guard refuses: a token signed for an IP address (or, with `requireRdsName`, any name
 * but an RDS endpoint) would be rejected by RDS and TLS could not verify the server. Throws
 * {@link HostnameMismatchError}; returns the parsed RDS endpoint name, if it is one.
 */
export function guardSigningHostname(hostname: string, guard: SigningHostnameGuard): RdsEndpointName | undefined {
  const rds = parseRdsEndpoint(hostname);
  if (rds !== undefined || (isIP(hostname) === 0 && !guard.requireRdsName)) return rds;
  const what =
    isIP(hostname) !== 0
      ? 'is an IP address'
      : hostname === 'localhost'
        ? 'is localhost (an SSH tunnel or port forward?)'
        : 'is not an RDS endpoint name (*.rds.amazonaws.com, *.rds.amazonaws.com.cn or an RDS Proxy endpoint); a CNAME?';
  throw new HostnameMismatchError(
    `${guard.subject} ${what}. RDS only accepts IAM tokens signed for its own endpoint name, and TLS could not verify ` +
      `the server either. Fix: ${guard.fix}`,
  );
}
