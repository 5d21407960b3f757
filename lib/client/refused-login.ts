import { IamLoginRefusedError } from './client-errors';
import type { ConnectionTarget } from './rds-endpoint';

/**
 * MySQL's "Access denied for user" (ER_ACCESS_DENIED_ERROR, 1045; MariaDB also answers 1698,
 * ER_ACCESS_DENIED_NO_PASSWORD_ERROR, when no password was sent yet): what RDS (and RDS Proxy) answers for every IAM
 * token it refuses, whatever the reason, so the driver's message alone never says which check failed.
 */
const ACCESS_DENIED_ERRNOS: ReadonlySet<unknown> = new Set([1045, 1698]);
const ACCESS_DENIED_CODES: ReadonlySet<unknown> = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR']);

/** The longest part of the server's own message a refusal quotes. */
const SERVER_MESSAGE_CHARACTERS = 200;

/** True when a login failed because the server refused the credentials (here: the IAM token). */
export function isAccessDenied(error: unknown): boolean {
  const { errno, code } = (error ?? {}) as { errno?: unknown; code?: unknown };
  return ACCESS_DENIED_ERRNOS.has(errno) || ACCESS_DENIED_CODES.has(code);
}

/** What a refused login was: the user, where it went, and whether (and with what) the server was sent a token. */
export interface RefusedLogin {
  readonly user: string;
  readonly target: ConnectionTarget;
  /**
   * Whether the server asked for the token (it switches to mysql_clear_password only for an IAM user); undefined when
   * not known (a pool's connections are made out of sight).
   */
  readonly tokenAsked: boolean | undefined;
  /** The last token's region and signing time, when the token provider has one (nothing secret). */
  readonly signed?: { readonly region: string; readonly signedAt: Date };
  /** The region the caller gave. */
  readonly region?: string;
}

/** The `dbuser:` resource of the `rds-db:connect` ARN a login needs, as precise as the endpoint's name tells. */
function connectResource({ user, target }: RefusedLogin): string {
  switch (target.rds?.kind) {
    case 'proxy':
    case 'proxy-endpoint':
      return `dbuser:prx-<proxy resource id>/${user}`;
    case 'cluster-writer':
    case 'cluster-reader':
    case 'cluster-custom':
      return `dbuser:cluster-<DbClusterResourceId>/${user}`;
    case 'instance':
      return `dbuser:db-<DbiResourceId>/${user}`;
    default:
      return `dbuser:<cluster-… or db-… resource id>/${user}`;
  }
}

/**
 * The error for a refused IAM login, with this login's values, the server's own message (bounded) and the driver's
 * error as the cause; never the token. When the server refused before asking for the token, the user is missing
 * or not an IAM user, and that is all it says; otherwise it lists each thing RDS checks a token for (and, when it is
 * not known whether a token was asked for, the missing user first).
 */
export function refusedLoginError(refused: RefusedLogin, cause: unknown): IamLoginRefusedError {
  const { user, target } = refused;
  const endpoint = `${target.endpointHost}:${target.endpointPort}`;
  const serverMessage = String((cause as { message?: unknown } | undefined)?.message ?? '').slice(0, SERVER_MESSAGE_CHARACTERS);
  const missingUser = `the database has no user "${user}" IDENTIFIED WITH AWSAuthenticationPlugin for this client`;
  const createIt = '`rds-iam plan` shows what a deploy would create';
  if (refused.tokenAsked === false) {
    return new IamLoginRefusedError(
      `${endpoint} refused user "${user}" without asking for an IAM token (${serverMessage}): ${missingUser}. ` +
        `Check the user name, or create the user with a deploy (${createIt}).`,
      { cause },
    );
  }
  const region = refused.signed?.region ?? refused.region ?? target.rds?.region ?? '<region>';
  const arn = `arn:${target.rds?.partition ?? 'aws'}:rds-db:${region}:<account>:${connectResource(refused)}`;
  const signedAt = refused.signed === undefined ? '' : ` (the token is dated ${refused.signed.signedAt.toISOString()})`;
  const causes = [
    ...(refused.tokenAsked === undefined ? [`${missingUser} (${createIt})`] : []),
    `the identity that signed it may not rds-db:connect on ${arn} (\`aws sts get-caller-identity\` names that identity)`,
    'IAM database authentication is off for the database',
    'the token names another host, port or region than the endpoint it reached (a CNAME or a tunnel: sign for the RDS endpoint and connect through --via)',
    `this machine's clock is more than 5 minutes off${signedAt}`,
  ];
  const what = refused.tokenAsked === undefined ? `the login as user "${user}"` : `the IAM token for user "${user}"`;
  return new IamLoginRefusedError(
    `${endpoint} refused ${what} (${serverMessage}). RDS refuses it when: ${causes.map((line, index) => `(${index + 1}) ${line}`).join('; ')}.`,
    { cause },
  );
}
