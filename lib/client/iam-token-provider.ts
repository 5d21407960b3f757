import type { Signer, SignerConfig } from '@aws-sdk/rds-signer';
import { summarizeAuthToken, toAwsCliParameterOrder } from './auth-token-format';
import { ClientOptionsError, TokenGenerationError } from './client-errors';
import { requirePort } from './host-and-port';
import { parseRdsEndpoint } from './rds-endpoint';

/** Credentials to sign with: fixed keys or a provider such as `fromIni()` or `fromTemporaryCredentials()`. */
export type IamSigningCredentials = NonNullable<SignerConfig['credentials']>;

/** What a token is for, and whose credentials sign it. */
export interface IamTokenRequest {
  /** The endpoint host name the token is for (the real RDS endpoint, not a tunnel or CNAME). */
  readonly hostname: string;
  /** The database port the token is for. */
  readonly port: number;
  /** The database user to log in as. */
  readonly username: string;
  /**
   * Region of the database.
   * @default - read from an RDS endpoint name, else `AWS_REGION` / the AWS config file
   */
  readonly region?: string;
  /**
   * Credentials to sign with.
   * @default - the default AWS credential chain (environment, SSO, config files, container and instance roles)
   */
  readonly credentials?: IamSigningCredentials;
  /**
   * Named profile for credentials and region.
   * @default - `AWS_PROFILE` or `default`
   */
  readonly profile?: string;
}

/** RDS accepts a token for 15 minutes after it was signed. */
export const TOKEN_LIFETIME_MS = 15 * 60_000;

/** How long a cached token is reused by default: 5 of its 15 minutes stay as margin for clock skew and slow handshakes. */
export const DEFAULT_TOKEN_REUSE_MS = 10 * 60_000;

/** The longest reuse allowed: at least one minute of validity must be left when a token is sent. */
export const MAX_TOKEN_REUSE_MS = TOKEN_LIFETIME_MS - 60_000;

/** Options of {@link IamTokenProvider}. */
export interface IamTokenProviderOptions extends IamTokenRequest {
  /**
   * How long a token is reused after it was signed; a connection opened later gets a new one.
   * `0` signs a new token for every connection. At most {@link MAX_TOKEN_REUSE_MS}.
   * @default DEFAULT_TOKEN_REUSE_MS (10 minutes)
   */
  readonly reuseForMs?: number;
  /**
   * The clock the reuse decision is taken by, in epoch milliseconds. Tokens themselves are signed by
   * `@aws-sdk/rds-signer` at the system time.
   * @default Date.now
   */
  readonly now?: () => number;
}

interface CachedToken {
  readonly token: string;
  readonly signedAtMs: number;
}

/**
 * Hands out IAM auth tokens for one user on one endpoint, signing a new one when the cached one has used up its
 * reuse window. A pool that asks for a token per new physical connection therefore keeps opening connections for as
 * long as the credentials last, instead of failing 15 minutes after it started.
 *
 * Concurrent requests while a token is being signed share that signature.
 */
export class IamTokenProvider {
  private readonly request: IamTokenRequest;
  private signer: Promise<Signer> | undefined;
  private readonly reuseForMs: number;
  private readonly now: () => number;
  private readonly description: string;
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;
  private minted = 0;

  constructor(options: IamTokenProviderOptions) {
    checkTokenRequest(options);
    this.request = { ...options };
    this.reuseForMs = options.reuseForMs ?? DEFAULT_TOKEN_REUSE_MS;
    if (!Number.isFinite(this.reuseForMs) || this.reuseForMs < 0 || this.reuseForMs > MAX_TOKEN_REUSE_MS) {
      throw new ClientOptionsError(
        `reuseForMs ${JSON.stringify(options.reuseForMs)} must be from 0 to ${MAX_TOKEN_REUSE_MS} ms: a token lives ` +
          `${TOKEN_LIFETIME_MS / 60_000} minutes and must have time left when it reaches the server`,
      );
    }
    // Late-bound, so a clock swapped in after construction (a test's fake Date) is the one consulted.
    this.now = options.now ?? (() => Date.now());
    this.description = describeRequest(options);
  }

  /** A token with at least `15 min - reuseForMs` of validity left. */
  async getToken(): Promise<string> {
    const now = this.now();
    const cached = this.cached;
    // A clock that went backwards makes the age meaningless: sign anew rather than trust it.
    if (cached !== undefined && now >= cached.signedAtMs && now - cached.signedAtMs < this.reuseForMs) {
      return cached.token;
    }
    this.pending ??= this.sign(now).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** The region and signing time of the last token handed out (nothing secret), for explaining a refused login. */
  get lastTokenSigned(): { readonly region: string; readonly signedAt: Date } | undefined {
    if (this.cached === undefined) return undefined;
    const { region, signedAt } = summarizeAuthToken(this.cached.token);
    return { region, signedAt };
  }

  /** How many tokens this provider has signed (a diagnostic for tests and benchmarks). */
  get tokensSigned(): number {
    return this.minted;
  }

  private async sign(signedAtMs: number): Promise<string> {
    this.signer ??= createSigner(this.request);
    const token = await signToken(await this.signer, this.description);
    this.minted += 1;
    this.cached = { token, signedAtMs };
    return token;
  }
}

/** Signs one token, without caching. Same result as `aws rds generate-db-auth-token` for the same inputs and clock. */
export async function generateAuthToken(request: IamTokenRequest): Promise<string> {
  checkTokenRequest(request);
  return signToken(await createSigner(request), describeRequest(request));
}

/** Throws {@link ClientOptionsError} for a request no token can be signed for. */
function checkTokenRequest(request: IamTokenRequest): void {
  if (typeof request.hostname !== 'string' || request.hostname.trim() === '') {
    throw new ClientOptionsError('hostname is required: the DB endpoint the token is signed for');
  }
  if (typeof request.username !== 'string' || request.username === '') {
    throw new ClientOptionsError('username is required: the database user the token logs in as');
  }
  requirePort(request.port, 'port');
}

/** The AWS SDK's signer, loaded on the first token: a CDK app importing the package for its constructs never loads it. */
async function createSigner(request: IamTokenRequest): Promise<Signer> {
  const { Signer } = await import('@aws-sdk/rds-signer');
  return new Signer({
    hostname: request.hostname.trim(),
    port: request.port,
    username: request.username,
    region: request.region ?? parseRdsEndpoint(request.hostname)?.region,
    credentials: request.credentials,
    profile: request.profile,
  });
}

function describeRequest(request: IamTokenRequest): string {
  return `user ${JSON.stringify(request.username)} at ${request.hostname}:${request.port}`;
}

async function signToken(signer: Signer, description: string): Promise<string> {
  try {
    return toAwsCliParameterOrder(await signer.getAuthToken());
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const fix = /region/i.test(reason)
      ? 'pass region (CLI: --region) or set AWS_REGION'
      : 'make AWS credentials available (AWS_PROFILE, aws sso login, environment variables or an instance/task role)';
    throw new TokenGenerationError(`could not sign an IAM auth token for ${description}: ${reason}. Fix: ${fix}.`, {
      cause,
    });
  }
}
