import { RdsIamError, type RdsIamErrorCode } from '../errors/rds-iam-error';

/**
 * Errors of the client runtime. Each has a stable `code` that callers can branch on, and a message that says what
 * happened, how to fix it and, where it matters, what the risk was. None of them ever carries an IAM token.
 */

/** The codes the client runtime throws with. */
export type RdsIamClientErrorCode = Extract<
  RdsIamErrorCode,
  | 'RDS_IAM_TLS_REQUIRED'
  | 'RDS_IAM_HOSTNAME_MISMATCH'
  | 'RDS_IAM_INVALID_CLIENT_OPTIONS'
  | 'RDS_IAM_TOKEN_FAILED'
  | 'RDS_IAM_DATABASE_NOT_FOUND'
  | 'RDS_IAM_AUTH_DISABLED'
  | 'RDS_IAM_LOGIN_REFUSED'
>;

/** Base class of the client runtime's errors. */
export abstract class RdsIamClientError extends RdsIamError {
  protected constructor(code: RdsIamClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** The token was about to be sent without verified TLS; nothing was sent. */
export class TlsRequiredError extends RdsIamClientError {
  constructor(message: string) {
    super('RDS_IAM_TLS_REQUIRED', message);
    this.name = 'TlsRequiredError';
  }
}

/** The token would be signed for a host name RDS does not answer to (IP, CNAME, tunnel). */
export class HostnameMismatchError extends RdsIamClientError {
  constructor(message: string) {
    super('RDS_IAM_HOSTNAME_MISMATCH', message);
    this.name = 'HostnameMismatchError';
  }
}

/** An option of the client runtime has a value it cannot work with. */
export class ClientOptionsError extends RdsIamClientError {
  constructor(message: string) {
    super('RDS_IAM_INVALID_CLIENT_OPTIONS', message);
    this.name = 'ClientOptionsError';
  }
}

/** The token could not be signed, usually for want of credentials or a region. */
export class TokenGenerationError extends RdsIamClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RDS_IAM_TOKEN_FAILED', message, options);
    this.name = 'TokenGenerationError';
  }
}

/** No cluster or instance matched the identifier or stack that was looked up. */
export class DatabaseNotFoundError extends RdsIamClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RDS_IAM_DATABASE_NOT_FOUND', message, options);
    this.name = 'DatabaseNotFoundError';
  }
}

/** The database exists but IAM database authentication is turned off, so every token would be refused. */
export class IamAuthDisabledError extends RdsIamClientError {
  constructor(message: string) {
    super('RDS_IAM_AUTH_DISABLED', message);
    this.name = 'IamAuthDisabledError';
  }
}

/** The database refused a correctly signed IAM token (MySQL error 1045); the message lists what RDS checks. */
export class IamLoginRefusedError extends RdsIamClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RDS_IAM_LOGIN_REFUSED', message, options);
    this.name = 'IamLoginRefusedError';
  }
}
