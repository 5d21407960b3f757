import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { verifyProxyToken, type ProxyTokenPolicy } from '../../lib/emulator/proxy/proxy-token-verifier';

const ENDPOINT = 'orders-dev-proxy.proxy-c9akciq32xyz.eu-west-1.rds.amazonaws.com';
const POLICY: ProxyTokenPolicy = {
  endpointHost: ENDPOINT,
  endpointPort: 3306,
  region: 'eu-west-1',
  accessKeyId: 'AKIAEMULATORTESTKEY1',
  secretAccessKey: 'rdsIamMysqlEmulatorTestSecret/NotRealKey',
  maxClockSkewSeconds: 300,
};
const SIGNED_AT = Date.UTC(2026, 10, 30, 9, 15, 0);

interface Signing {
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly sessionToken?: string;
  readonly signedAtMs?: number;
  readonly expiresIn?: number;
  readonly extraQuery?: Record<string, string>;
}

/** A token as `@aws-sdk/rds-signer` makes it (the SDK's SigV4 presigner), with any field changed. */
async function token(signing: Signing = {}): Promise<string> {
  const host = signing.host ?? ENDPOINT;
  const port = signing.port ?? 3306;
  const signer = new SignatureV4({
    service: 'rds-db',
    region: signing.region ?? POLICY.region,
    sha256: Sha256,
    credentials: { accessKeyId: signing.accessKeyId ?? POLICY.accessKeyId, secretAccessKey: signing.secretAccessKey ?? POLICY.secretAccessKey, sessionToken: signing.sessionToken },
  });
  const presigned = await signer.presign(
    { method: 'GET', protocol: 'https:', hostname: host, port, path: '/', query: { Action: 'connect', DBUser: signing.user ?? 'app_rw', ...signing.extraQuery }, headers: { host: `${host}:${port}` } },
    { signingDate: new Date(signing.signedAtMs ?? SIGNED_AT), expiresIn: signing.expiresIn ?? 900 },
  );
  const query = Object.entries(presigned.query ?? {}).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`).join('&');
  return `${host}:${port}/?${query}`;
}

const verify = (text: string, options: { user?: string; policy?: Partial<ProxyTokenPolicy>; nowMs?: number } = {}) =>
  verifyProxyToken(text, options.user ?? 'app_rw', { ...POLICY, ...options.policy }, options.nowMs ?? SIGNED_AT + 60_000);

describe('verifyProxyToken', () => {
  it('accepts a token signed for the proxy endpoint, with the parameters in any order', async () => {
    const signed = await token();
    const [head, query] = signed.split('/?');
    const reversed = `${head}/?${query.split('&').reverse().join('&')}`;

    expect(await verify(signed)).toEqual({ accepted: true });
    expect(await verify(reversed)).toEqual({ accepted: true });
  });

  it('accepts a token with a session token when the proxy requires none, and requires it when it does', async () => {
    const withSession = await token({ sessionToken: 'FwoGZXIvYXdzEXAMPLESESSION' });

    expect(await verify(withSession)).toEqual({ accepted: true });
    expect(await verify(withSession, { policy: { sessionToken: 'FwoGZXIvYXdzEXAMPLESESSION' } })).toEqual({ accepted: true });
    expect(await verify(await token(), { policy: { sessionToken: 'FwoGZXIvYXdzEXAMPLESESSION' } })).toMatchObject({ reason: expect.stringContaining('is temporary: the token must carry its session token') });
  });

  it.each<[string, () => Promise<string>, { user?: string; nowMs?: number }, RegExp]>([
    ['an empty password', async () => '', {}, /no token was sent/],
    ['no query', async () => `${ENDPOINT}:3306`, {}, /not an RDS IAM token/],
    ['bad percent-encoding', async () => `${await token()}&X=%zz`, {}, /bad percent-encoding in the value of 'X'/],
    ['a parameter without a value', async () => `${await token()}&flag`, {}, /every parameter must be name=value/],
    ['a missing signature', async () => (await token()).replace(/&?X-Amz-Signature=[0-9a-f]+/, ''), {}, /the token has no X-Amz-Signature parameter/],
    ['another port', () => token({ port: 3307 }), {}, /signed for 'orders-dev-proxy\.[^']*\.\.\.[^']*amazonaws\.com:3307'/],
    ['the database endpoint', () => token({ host: 'orders.cluster-c9akciq32xyz.eu-west-1.rds.amazonaws.com' }), {}, /signed for 'orders\.cluster-/],
    ['another user', () => token({ user: 'root' }), {}, /DBUser 'root' but the login user is 'app_rw'/],
    ['a user differing in case', () => token({ user: 'APP_RW' }), {}, /case-sensitive/],
    ['another region', () => token({ region: 'eu-central-1' }), {}, /region 'eu-central-1' but this proxy is in 'eu-west-1'/],
    ['an unknown key', () => token({ accessKeyId: 'AKIAOTHERKEY00000001' }), {}, /access key id 'AKIAOTHERKEY00000001' is not one this proxy trusts/],
    ['another secret', () => token({ secretAccessKey: 'not-the-secret' }), {}, /the signature does not match/],
    ['a changed signature', async () => (await token()).replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`), {}, /the signature does not match/],
    ['an upper-case signature', async () => (await token()).replace(/X-Amz-Signature=([0-9a-f]+)/, (_m, hex: string) => `X-Amz-Signature=${hex.toUpperCase()}`), {}, /64 lowercase hex digits/],
    ['a parameter added after signing', async () => `${await token()}&DBName=orders`, {}, /the signature does not match/],
    ['a validity over 900 s', () => token({ expiresIn: 901 }), {}, /X-Amz-Expires '901' is not a whole number of seconds from 1 to 900/],
    ['an expired token', () => token(), { nowMs: SIGNED_AT + 901_000 }, /the token expired at 2026-11-30T09:30:00Z \(signed 2026-11-30T09:15:00Z, valid 900 s\)/],
    ['a token from the future', () => token(), { nowMs: SIGNED_AT - 301_000 }, /more than 300 s ahead of this proxy's clock/],
    ['an impossible date', async () => (await token()).replace(/X-Amz-Date=\d+T\d+Z/, 'X-Amz-Date=20261131T091500Z').replace('%2F20261130%2F', '%2F20261131%2F'), {}, /X-Amz-Date '20261131T091500Z' is not a yyyymmddThhmmssZ date/],
    ['a scope day that is not the date', async () => (await token()).replace('%2F20261130%2F', '%2F20261129%2F'), {}, /the credential scope date '20261129' is not the day of X-Amz-Date/],
  ])('refuses %s, saying why', async (_label, make, options, reason) => {
    const verdict = await verify(await make(), options);
    expect(verdict).toEqual({ accepted: false, reason: expect.stringMatching(reason) });
  });

  it('signs a parameter the signer did not add into the signature, so a token carrying one still verifies', async () => {
    expect(await verify(await token({ extraQuery: { DBName: 'orders' } }))).toEqual({ accepted: true });
  });

  it('never quotes the token or the secret, and quotes a long value at most 64 characters', async () => {
    const long = 'x'.repeat(300);
    const verdict = await verify(await token({ user: long }));
    const reason = verdict.accepted ? '' : verdict.reason;

    expect(reason).toContain(`'${'x'.repeat(40)}...${'x'.repeat(21)}'`);
    expect(reason).not.toContain('x'.repeat(41));
    expect(reason).not.toContain(POLICY.secretAccessKey);
    expect(reason).not.toContain('X-Amz-Signature');
  });
});
