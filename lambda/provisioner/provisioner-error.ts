import { isRdsIamErrorCode, RdsIamError } from '../../lib/errors/rds-iam-error';
import { redactedErrorChain, redactSecrets } from '../../lib/provisioning/redact-secrets';

/**
 * What the handler throws: the failure's own `code` and message, with any secret blanked out of the message,
 * the stack and the cause chain. The Provider framework hands the message to CloudFormation as the failure
 * reason, and the Lambda runtime logs the error: neither may carry the master password.
 */
export class ProvisionerError extends RdsIamError {
  private constructor(code: ConstructorParameters<typeof RdsIamError>[0], message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ProvisionerError';
  }

  /**
   * Errors of ours keep their code; any other (a driver's `ER_…`, an SDK's) is reported as
   * `RDS_IAM_PROVISIONER_FAILED` with its own code quoted in the message.
   */
  static from(error: unknown, secrets: readonly (string | undefined)[]): ProvisionerError {
    const original = error instanceof Error ? error : new Error(String(error));
    const originalCode = (original as { code?: unknown }).code;
    const ours = isRdsIamErrorCode(originalCode);
    const message = redactSecrets(original.message, secrets) + (ours || originalCode === undefined ? '' : ` (${String(originalCode)})`);
    const safe = new ProvisionerError(
      ours ? originalCode : 'RDS_IAM_PROVISIONER_FAILED',
      message,
      original.cause === undefined ? undefined : { cause: redactedErrorChain(original.cause, secrets) },
    );
    safe.stack = `${safe.name}: ${safe.message}\n${redactSecrets(original.stack ?? '', secrets).split('\n').slice(1).join('\n')}`;
    return safe;
  }
}
