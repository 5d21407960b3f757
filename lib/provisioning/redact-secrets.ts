/** The text that stands in for a secret. */
export const REDACTED = '***';

/**
 * Replaces every occurrence of each secret in a text. A last line of defence for messages that quote what a
 * driver or SDK said: none of ours include a secret, and this makes sure theirs cannot either.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let redacted = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length > 0) redacted = redacted.split(secret).join(REDACTED);
  }
  return redacted;
}

/** How many causes deep {@link redactedErrorChain} copies; deeper causes are dropped. */
export const REDACTED_CHAIN_DEPTH = 5;

/**
 * A plain copy of an error and its cause chain (name, code, message, stack), with every secret blanked out, a few
 * levels deep. The one way an error that may quote a secret (a driver's message, an SDK's) is passed on.
 */
export function redactedErrorChain(error: unknown, secrets: readonly (string | undefined)[], depth = REDACTED_CHAIN_DEPTH): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const cause = depth > 1 && original.cause !== undefined ? { cause: redactedErrorChain(original.cause, secrets, depth - 1) } : undefined;
  const copy = new Error(redactSecrets(original.message, secrets), cause);
  copy.name = original.name;
  const code = (original as { code?: unknown }).code;
  if (code !== undefined) Object.assign(copy, { code });
  copy.stack = redactSecrets(original.stack ?? `${copy.name}: ${copy.message}`, secrets);
  return copy;
}
