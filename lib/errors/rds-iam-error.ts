import type { RdsIamErrorCode } from './rds-iam-error-code';

export { isRdsIamErrorCode, type RdsIamErrorCode } from './rds-iam-error-code';

/**
 * The base of every error this project throws: a stable `code` from {@link RdsIamErrorCode}, a message that says
 * what happened and how to fix it, and the underlying failure chained as `cause`. Subclasses set `name` and add the
 * fields a caller decides on (a host, a failure kind); none carries a token or a password.
 */
export class RdsIamError extends Error {
  readonly #code: RdsIamErrorCode;

  constructor(code: RdsIamErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = 'RdsIamError';
    this.#code = code;
  }

  /** Stable identifier of the failure, e.g. `RDS_IAM_TLS_REQUIRED`. */
  get code(): RdsIamErrorCode {
    return this.#code;
  }

  /**
   * mysql2 overwrites `error.code` with `AUTH_SWITCH_PLUGIN_ERROR` on anything an auth plugin throws. An accessor
   * keeps our stable code (a read-only property would make mysql2's strict-mode assignment throw instead).
   */
  set code(_driverCode: string) {
    // Deliberately ignored: the code a caller branches on must not depend on where the error was raised.
  }
}

/** The code of any error: ours, a driver's (`ER_ACCESS_DENIED_ERROR`) or an SDK's; undefined when it has none. */
export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
