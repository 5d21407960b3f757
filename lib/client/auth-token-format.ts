/**
 * The textual form of an IAM auth token: `host:port/?Action=connect&DBUser=…&X-Amz-…`, a presigned URL without
 * its scheme. RDS reads it as a query string, so parameter order does not change what it means; it does change
 * whether two tokens compare equal as strings.
 */

/**
 * The order in which `aws rds generate-db-auth-token` (botocore) prints the parameters. `@aws-sdk/rds-signer`
 * sorts them, which puts `X-Amz-Signature` before `X-Amz-SignedHeaders`; we print the AWS CLI's order so tokens
 * from both tools are identical strings for the same credentials and clock.
 */
const AWS_CLI_PARAMETER_ORDER: readonly string[] = [
  'Action',
  'DBUser',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
];

/** Reorders a token's query parameters to the AWS CLI's order, leaving every name and (encoded) value untouched. */
export function toAwsCliParameterOrder(token: string): string {
  const queryStart = token.indexOf('?');
  if (queryStart < 0) return token;
  const pairs = token.slice(queryStart + 1).split('&');
  const rank = (pair: string): number => {
    const equals = pair.indexOf('=');
    const index = AWS_CLI_PARAMETER_ORDER.indexOf(equals < 0 ? pair : pair.slice(0, equals));
    return index < 0 ? AWS_CLI_PARAMETER_ORDER.length : index;
  };
  // Array.prototype.sort is stable, so unknown parameters keep their relative order at the end.
  const ordered = [...pairs].sort((a, b) => rank(a) - rank(b));
  return `${token.slice(0, queryStart + 1)}${ordered.join('&')}`;
}

/** The parts of a token that are safe to show: everything but the signature and the session token. */
export interface AuthTokenSummary {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** The region of its credential scope (`X-Amz-Credential`), where it was signed for. */
  readonly region: string;
  /** From `X-Amz-Date`. */
  readonly signedAt: Date;
  /** From `X-Amz-Expires` (RDS tokens: 900 seconds). */
  readonly expiresAt: Date;
  /** Parameter names in the order they appear. */
  readonly parameterNames: readonly string[];
}

/** Reads a token's host, port, user, region and validity window; throws a plain `Error` (without the token) when it is not one. */
export function summarizeAuthToken(token: string): AuthTokenSummary {
  const match = /^(?<host>[^/:]+):(?<port>\d+)\/\?(?<query>.+)$/.exec(token);
  if (!match?.groups) throw new Error('not an RDS IAM auth token: expected host:port/?Action=connect&…');
  const query = new URLSearchParams(match.groups.query);
  const signedAt = parseAmzDate(query.get('X-Amz-Date') ?? '');
  const expires = Number(query.get('X-Amz-Expires'));
  if (signedAt === undefined || !Number.isInteger(expires) || query.get('Action') !== 'connect') {
    throw new Error('not an RDS IAM auth token: missing Action=connect, X-Amz-Date or X-Amz-Expires');
  }
  return {
    host: match.groups.host,
    port: Number(match.groups.port),
    username: query.get('DBUser') ?? '',
    region: (query.get('X-Amz-Credential') ?? '').split('/')[2] ?? '',
    signedAt,
    expiresAt: new Date(signedAt.getTime() + expires * 1000),
    parameterNames: [...query.keys()],
  };
}

/** `X-Amz-Date` (`yyyymmddThhmmssZ`, UTC) as a date, or undefined when it is not a real moment in that form. */
export function parseAmzDate(text: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const exact = date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return exact ? date : undefined;
}

const TOKEN_LIKE = /[^\s'"`]*X-Amz-[A-Za-z-]+=[^\s'"`]*/g;

/** What a redacted token is replaced with. */
export const REDACTED_TOKEN = '<redacted IAM token>';

/**
 * Replaces anything that looks like a presigned token in a text (a log line, a shell command, an error message).
 * Tokens contain no white space or quotes, so one contiguous run is one token.
 */
export function redactAuthTokens(text: string): string {
  return text.replace(TOKEN_LIKE, REDACTED_TOKEN);
}
