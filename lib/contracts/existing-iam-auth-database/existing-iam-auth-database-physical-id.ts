import type { DatabaseKind } from './existing-iam-auth-database-properties';

/**
 * The physical id remembers what the stack found, so a Delete can restore it without any other state:
 * `<kind>:<identifier>:iam-auth-was-<on|off>`. It stays the same across updates of the same database.
 */
export function formatPhysicalResourceId(kind: DatabaseKind, identifier: string, iamAuthWasOn: boolean): string {
  return `${kind}:${identifier}:iam-auth-was-${iamAuthWasOn ? 'on' : 'off'}`;
}

/** What a physical id records: the database and whether IAM authentication was on when the stack found it. */
export interface FoundDatabase {
  readonly kind: DatabaseKind;
  readonly identifier: string;
  readonly iamAuthWasOn: boolean;
}

export function parsePhysicalResourceId(physicalResourceId: string): FoundDatabase | undefined {
  const match = /^(cluster|instance):([^:]+):iam-auth-was-(on|off)$/.exec(physicalResourceId);
  if (match === null) return undefined;
  return { kind: match[1] as DatabaseKind, identifier: match[2], iamAuthWasOn: match[3] === 'on' };
}
