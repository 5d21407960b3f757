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
