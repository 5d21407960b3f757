import { redactSecrets } from '../../lib/provisioning/redact-secrets';

/**
 * What the handler throws: the failure's own `code` and message, with any secret blanked out of the message,
 * the stack and the cause chain. The Provider framework hands the message to CloudFormation as the failure
 * reason, and the Lambda runtime logs the error: neither may carry the master password.
 */
export class ProvisionerError extends Error {
  private constructor(
    message: string,
    public readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProvisionerError';
  }

  static from(error: unknown, secrets: readonly (string | undefined)[]): ProvisionerError {
    const original = error instanceof Error ? error : new Error(String(error));
    const code = String((original as { code?: unknown }).code ?? 'RDS_IAM_PROVISIONER_FAILED');
    const safe = new ProvisionerError(
      redactSecrets(original.message, secrets),
      code,
      original.cause === undefined ? undefined : { cause: redactedChain(original.cause, secrets, 5) },
    );
    safe.stack = `${safe.name}: ${safe.message}\n${redactSecrets(original.stack ?? '', secrets).split('\n').slice(1).join('\n')}`;
    return safe;
  }
}

/** A plain copy of the cause chain (name, code, message), redacted, a few levels deep. */
function redactedChain(cause: unknown, secrets: readonly (string | undefined)[], depth: number): Error {
  const original = cause instanceof Error ? cause : new Error(String(cause));
  const copy =
    depth > 1 && original.cause !== undefined
      ? new Error(redactSecrets(original.message, secrets), { cause: redactedChain(original.cause, secrets, depth - 1) })
      : new Error(redactSecrets(original.message, secrets));
  copy.name = original.name;
  const code = (original as { code?: unknown }).code;
  if (code !== undefined) Object.assign(copy, { code });
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}
