/**
 * How the provisioner calls AWS APIs (Secrets Manager for the master secret, S3 for a large user set): each attempt
 * gives up after a few seconds and the SDK tries three times, so from subnets without a route to the service the
 * deploy fails in well under a minute with a message that says so, instead of hanging until the Lambda's timeout.
 */
export const AWS_CONNECTION_TIMEOUT_MS = 3_000;
export const AWS_REQUEST_TIMEOUT_MS = 5_000;
export const AWS_MAX_ATTEMPTS = 3;

/**
 * Client options with the bounds above. `throwOnRequestTimeout` makes the request timeout an error (without it the
 * installed HTTP handler only logs a warning and waits on), and the socket timeout ends a connection that was
 * accepted but goes silent: an endpoint that never answers fails in seconds.
 */
export function boundedClientConfig(region?: string) {
  return {
    ...(region === undefined ? {} : { region }),
    maxAttempts: AWS_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: AWS_CONNECTION_TIMEOUT_MS,
      requestTimeout: AWS_REQUEST_TIMEOUT_MS,
      socketTimeout: AWS_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  };
}

const NETWORK_ERROR_CODES = new Set(['ETIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** True when an SDK call failed because the service could not be reached or did not answer in time. */
export function isUnreachable(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  return name === 'TimeoutError' || name === 'RequestTimeout' || name === 'AbortError' || (code !== undefined && NETWORK_ERROR_CODES.has(code));
}

/** `(Name: message)` of an SDK error, for the end of a failure's reason. */
export function sdkErrorDetail(error: unknown): string {
  return error instanceof Error ? ` (${error.name}: ${error.message})` : '';
}
