import { summarizeAuthToken } from '../../lib/client/auth-token-format';
import { ClientOptionsError, TokenGenerationError } from '../../lib/client/client-errors';
import { generateAuthToken, IamTokenProvider, MAX_TOKEN_REUSE_MS } from '../../lib/client/iam-token-provider';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const ENDPOINT = { hostname: 'orders.cluster-abc123.eu-west-1.rds.amazonaws.com', port: 3306, username: 'app_rw' };

/** A clock the test moves by hand. */
function manualClock(startMs = Date.UTC(2024, 4, 1, 12)): { now: () => number; advanceMinutes: (minutes: number) => void } {
  let current = startMs;
  return { now: () => current, advanceMinutes: (minutes) => (current += minutes * 60_000) };
}

describe('IamTokenProvider', () => {
  it('reuses a token inside its reuse window and signs a new one after it', async () => {
    // Prepare
    const clock = manualClock();
    const provider = new IamTokenProvider({ ...ENDPOINT, credentials: CREDENTIALS, now: clock.now });

    // Act
    const first = await provider.getToken();
    clock.advanceMinutes(9);
    const stillFirst = await provider.getToken();
    clock.advanceMinutes(1);
    const second = await provider.getToken();
    clock.advanceMinutes(60 * 24 * 3);
    const third = await provider.getToken();

    // Assess
    expect(stillFirst).toBe(first);
    expect(provider.tokensSigned).toBe(3);
    expect(second).toMatch(/^orders\.cluster-abc123\.eu-west-1\.rds\.amazonaws\.com:3306\/\?Action=connect&DBUser=app_rw&/);
    expect(third).toMatch(/X-Amz-Signature=[0-9a-f]{64}$/);
  });

  it('signs a new token for every connection when reuseForMs is 0', async () => {
    const provider = new IamTokenProvider({ ...ENDPOINT, credentials: CREDENTIALS, reuseForMs: 0 });

    await provider.getToken();
    await provider.getToken();

    expect(provider.tokensSigned).toBe(2);
  });

  it('signs once for many connections opening at the same moment', async () => {
    const provider = new IamTokenProvider({ ...ENDPOINT, credentials: CREDENTIALS });

    const tokens = await Promise.all(Array.from({ length: 20 }, () => provider.getToken()));

    expect(new Set(tokens).size).toBe(1);
    expect(provider.tokensSigned).toBe(1);
  });

  it('signs anew when the clock goes backwards', async () => {
    const clock = manualClock();
    const provider = new IamTokenProvider({ ...ENDPOINT, credentials: CREDENTIALS, now: clock.now });

    await provider.getToken();
    clock.advanceMinutes(-5);
    await provider.getToken();

    expect(provider.tokensSigned).toBe(2);
  });

  it.each([-1, MAX_TOKEN_REUSE_MS + 1, 15 * 60_000, Number.NaN])('refuses reuseForMs %p, saying why', (reuseForMs) => {
    expect(() => new IamTokenProvider({ ...ENDPOINT, credentials: CREDENTIALS, reuseForMs })).toThrow(ClientOptionsError);
    expect(() => new IamTokenProvider({ ...ENDPOINT, credentials: CREDENTIALS, reuseForMs })).toThrow(/a token lives 15 minutes/);
  });
});

describe('generateAuthToken', () => {
  afterEach(() => jest.useRealTimers());

  it('signs at the system time, for the region read from the endpoint name', async () => {
    // Only Date is faked: rds-signer takes its signing date from it.
    jest.useFakeTimers({ now: new Date('2024-05-01T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] });

    const token = await generateAuthToken({ ...ENDPOINT, credentials: CREDENTIALS });

    expect(summarizeAuthToken(token)).toMatchObject({
      host: ENDPOINT.hostname,
      port: 3306,
      username: 'app_rw',
      signedAt: new Date('2024-05-01T12:00:00Z'),
      expiresAt: new Date('2024-05-01T12:15:00Z'),
    });
    expect(token).toContain('X-Amz-Credential=AKIDEXAMPLE%2F20240501%2Feu-west-1%2Frds-db%2Faws4_request');
  });

  it('turns a credential failure into TokenGenerationError with the cause and the fix, and no secret', async () => {
    const cause = new Error('Could not load credentials from any providers');
    const attempt = generateAuthToken({ ...ENDPOINT, credentials: () => Promise.reject(cause) });

    await expect(attempt).rejects.toBeInstanceOf(TokenGenerationError);
    await expect(attempt).rejects.toMatchObject({
      code: 'RDS_IAM_TOKEN_FAILED',
      cause,
      message: expect.stringMatching(/user "app_rw" at orders\.cluster-abc123\.eu-west-1\.rds\.amazonaws\.com:3306.*Fix: make AWS credentials available/),
    });
  });

  it('asks for a region when the host name does not tell it', async () => {
    const previous = { region: process.env.AWS_REGION, config: process.env.AWS_CONFIG_FILE, dflt: process.env.AWS_DEFAULT_REGION };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    process.env.AWS_CONFIG_FILE = '/dev/null';
    try {
      await expect(generateAuthToken({ hostname: 'localhost', port: 3306, username: 'app', credentials: CREDENTIALS })).rejects.toThrow(
        /Fix: pass region/,
      );
    } finally {
      restoreEnv('AWS_REGION', previous.region);
      restoreEnv('AWS_DEFAULT_REGION', previous.dflt);
      restoreEnv('AWS_CONFIG_FILE', previous.config);
    }
  });

  it.each([
    [{ ...ENDPOINT, hostname: ' ' }, /hostname is required/],
    [{ ...ENDPOINT, username: '' }, /username is required/],
    [{ ...ENDPOINT, port: 0 }, /port 0 must be an integer/],
  ])('refuses incomplete requests before signing', async (request, message) => {
    await expect(generateAuthToken({ ...request, credentials: CREDENTIALS })).rejects.toThrow(message);
  });
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
