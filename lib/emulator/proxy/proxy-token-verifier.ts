import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { parseAmzDate } from '../../client/auth-token-format';

/**
 * Verifies an RDS IAM auth token for the proxy's endpoint, as RDS Proxy does before it logs in to the database on the
 * client's behalf: the same checks, in the same order and with the same reasons, as the emulator's C plugin, and the
 * signature recomputed with the AWS SDK's own SigV4 signer (the one `@aws-sdk/rds-signer` uses) at the token's
 * `X-Amz-Date`, then compared in constant time. A reason never quotes the token or a secret.
 */

/** What the proxy trusts. */
export interface ProxyTokenPolicy {
  /** Host name and port tokens must be signed for: the proxy endpoint, e.g. `orders.proxy-….rds.amazonaws.com:3306`. */
  readonly endpointHost: string;
  readonly endpointPort: number;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** When set, tokens must carry exactly this `X-Amz-Security-Token`. */
  readonly sessionToken?: string;
  readonly maxClockSkewSeconds: number;
}

export type TokenVerdict = { readonly accepted: true } | { readonly accepted: false; readonly reason: string };

const MAX_TOKEN_LENGTH = 16_384;
const MAX_EXPIRES_SECONDS = 900;
const MAX_PARAMETERS = 24;
const REQUIRED = ['Action', 'DBUser', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];
/** Parameters the signer adds itself; every other one is part of the request it signs. */
const SIGNER_PARAMETERS = new Set(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Signature']);

/** Checks `token` as a login of `loginUser` through the proxy, at `nowMs`. */
export async function verifyProxyToken(token: string, loginUser: string, policy: ProxyTokenPolicy, nowMs: number): Promise<TokenVerdict> {
  try {
    const parts = parseToken(token);
    checkRequest(parts, loginUser, policy);
    checkScope(parts, policy);
    checkValidity(parts, policy, nowMs);
    await checkSignature(parts, policy);
    return { accepted: true };
  } catch (error) {
    if (error instanceof TokenRefusal) return { accepted: false, reason: error.message };
    throw error;
  }
}

class TokenRefusal extends Error {}

interface TokenParts {
  readonly hostPort: string;
  readonly parameters: ReadonlyMap<string, string>;
}

function parseToken(token: string): TokenParts {
  if (token.length === 0) throw new TokenRefusal('no token was sent (empty password)');
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenRefusal(`the password is ${token.length} bytes, longer than an RDS token can be (${MAX_TOKEN_LENGTH})`);
  const separator = token.indexOf('/?');
  if (separator <= 0) throw new TokenRefusal('not an RDS IAM token: expected <host>:<port>/?Action=connect&DBUser=...');
  const parameters = new Map<string, string>();
  const pairs = token.slice(separator + 2).split('&');
  if (pairs.length > MAX_PARAMETERS) throw new TokenRefusal(`malformed query: more than ${MAX_PARAMETERS} parameters`);
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new TokenRefusal('malformed query: every parameter must be name=value');
    const name = decode(pair.slice(0, equals), 'a parameter name');
    if (parameters.has(name)) throw new TokenRefusal(`malformed query: parameter ${quote(name)} appears more than once`);
    parameters.set(name, decode(pair.slice(equals + 1), `the value of ${quote(name)}`));
  }
  for (const name of REQUIRED) {
    if (!parameters.has(name)) throw new TokenRefusal(`the token has no ${name} parameter`);
  }
  return { hostPort: token.slice(0, separator), parameters };
}

function checkRequest(parts: TokenParts, loginUser: string, policy: ProxyTokenPolicy): void {
  const endpoint = `${policy.endpointHost}:${policy.endpointPort}`;
  if (parts.hostPort !== endpoint) {
    throw new TokenRefusal(`the token was signed for ${quote(parts.hostPort)} but this proxy's endpoint is '${endpoint}': sign it for that host and port`);
  }
  const value = (name: string) => parts.parameters.get(name) as string;
  if (value('Action') !== 'connect') throw new TokenRefusal(`Action is ${quote(value('Action'))}, expected 'connect'`);
  if (value('DBUser') !== loginUser) {
    throw new TokenRefusal(`the token is for DBUser ${quote(value('DBUser'))} but the login user is ${quote(loginUser)} (user names are case-sensitive)`);
  }
  if (value('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw new TokenRefusal(`X-Amz-Algorithm is ${quote(value('X-Amz-Algorithm'))}, expected 'AWS4-HMAC-SHA256'`);
  if (value('X-Amz-SignedHeaders') !== 'host') throw new TokenRefusal(`X-Amz-SignedHeaders is ${quote(value('X-Amz-SignedHeaders'))}, expected 'host'`);
}

function checkScope(parts: TokenParts, policy: ProxyTokenPolicy): void {
  const fields = (parts.parameters.get('X-Amz-Credential') as string).split('/');
  if (fields.length !== 5) throw new TokenRefusal('X-Amz-Credential is not <access key id>/<yyyymmdd>/<region>/rds-db/aws4_request');
  const [keyId, day, region, service, terminator] = fields;
  if (day !== (parts.parameters.get('X-Amz-Date') as string).slice(0, 8)) throw new TokenRefusal(`the credential scope date ${quote(day)} is not the day of X-Amz-Date`);
  if (region !== policy.region) throw new TokenRefusal(`the token was signed for region ${quote(region)} but this proxy is in ${quote(policy.region)}`);
  if (service !== 'rds-db' || terminator !== 'aws4_request') throw new TokenRefusal(`the credential scope names service ${quote(service)}, expected 'rds-db' and 'aws4_request'`);
  if (keyId !== policy.accessKeyId) throw new TokenRefusal(`access key id ${quote(keyId)} is not one this proxy trusts`);
  const sessionToken = parts.parameters.get('X-Amz-Security-Token');
  if (policy.sessionToken !== undefined && sessionToken !== policy.sessionToken) {
    throw new TokenRefusal(`access key id ${quote(keyId)} is temporary: the token must carry its session token as X-Amz-Security-Token`);
  }
}

function checkValidity(parts: TokenParts, policy: ProxyTokenPolicy, nowMs: number): void {
  const signedAt = signedAtSeconds(parts.parameters.get('X-Amz-Date') as string);
  const expiresText = parts.parameters.get('X-Amz-Expires') as string;
  const expires = /^\d{1,6}$/.test(expiresText) ? Number(expiresText) : Number.NaN;
  if (!(expires >= 1 && expires <= MAX_EXPIRES_SECONDS)) {
    throw new TokenRefusal(`X-Amz-Expires ${quote(expiresText)} is not a whole number of seconds from 1 to ${MAX_EXPIRES_SECONDS}`);
  }
  const now = Math.floor(nowMs / 1000);
  if (signedAt > now + policy.maxClockSkewSeconds) {
    throw new TokenRefusal(`the token is dated ${utc(signedAt)}, more than ${policy.maxClockSkewSeconds} s ahead of this proxy's clock (${utc(now)}): check the client's clock`);
  }
  if (now > signedAt + expires) {
    throw new TokenRefusal(`the token expired at ${utc(signedAt + expires)} (signed ${utc(signedAt)}, valid ${expires} s); it is now ${utc(now)}: mint a new token`);
  }
}

async function checkSignature(parts: TokenParts, policy: ProxyTokenPolicy): Promise<void> {
  const given = parts.parameters.get('X-Amz-Signature') as string;
  if (!/^[0-9a-f]{64}$/.test(given)) throw new TokenRefusal('X-Amz-Signature is not 64 lowercase hex digits');
  const query = Object.fromEntries([...parts.parameters].filter(([name]) => !SIGNER_PARAMETERS.has(name)));
  const signer = new SignatureV4({
    service: 'rds-db',
    region: policy.region,
    sha256: Sha256,
    credentials: {
      accessKeyId: policy.accessKeyId,
      secretAccessKey: policy.secretAccessKey,
      sessionToken: parts.parameters.get('X-Amz-Security-Token'),
    },
  });
  // The request @aws-sdk/rds-signer presigns, dated as the token is.
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: policy.endpointHost,
      port: policy.endpointPort,
      path: '/',
      query,
      headers: { host: `${policy.endpointHost}:${policy.endpointPort}` },
    },
    { signingDate: new Date(signedAtSeconds(parts.parameters.get('X-Amz-Date') as string) * 1000), expiresIn: Number(parts.parameters.get('X-Amz-Expires')) },
  );
  const expected = Buffer.from(String(presigned.query?.['X-Amz-Signature']), 'latin1');
  if (!timingSafeEqual(expected, Buffer.from(given, 'latin1'))) {
    throw new TokenRefusal(
      `the signature does not match: the token was altered or signed with another secret key than the one of access key id ${quote(policy.accessKeyId)}`,
    );
  }
}

/** `X-Amz-Date` in epoch seconds. */
function signedAtSeconds(text: string): number {
  const date = parseAmzDate(text);
  if (date === undefined) throw new TokenRefusal(`X-Amz-Date ${quote(text)} is not a yyyymmddThhmmssZ date`);
  return date.getTime() / 1000;
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new TokenRefusal(`malformed query: bad percent-encoding in ${what}`);
  }
}

function utc(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** At most 64 characters of a value, quoted; a longer one keeps its start and its end (a host name's port). */
function quote(text: string): string {
  return `'${text.length > 64 ? `${text.slice(0, 40)}...${text.slice(-21)}` : text}'`;
}
