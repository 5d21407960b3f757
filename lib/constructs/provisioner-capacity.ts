import { MAX_USER_SET_OBJECT_BYTES } from '../contracts/provisioner/user-set-object';
import type { DatabaseUserSpec } from '../users/database-user-spec';

/**
 * The limits one provisioner custom resource must stay within, checked at synth so a user set that cannot deploy
 * never reaches CloudFormation:
 * - an Update event carries the new and the old user set, and CloudFormation invokes the Lambda asynchronously,
 *   whose payload may not exceed 1 MB;
 * - the template holding the set may not exceed CloudFormation's 1 MB (uploaded through S3), and the rest of the
 *   stack needs room too;
 * - the first deploy runs one statement per user and per grant, and must finish well within the Lambda timeout.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 */

/** Lambda's limit on an asynchronous invocation's payload. */
export const LAMBDA_ASYNC_PAYLOAD_BYTES = 1024 * 1024;
/** What an Update event carries besides the two user sets (ids, URLs, the other properties). */
const EVENT_ENVELOPE_BYTES = 8 * 1024;
/** The share of CloudFormation's 1 MB template limit the user set may take, leaving the rest to the stack. */
export const TEMPLATE_SHARE_BYTES = 600 * 1024;
/**
 * A conservative time per statement on RDS (round trip plus the server's privilege-table write); the emulator
 * measures about 1 ms (README, "Provisioning N users").
 */
export const PROJECTED_STATEMENT_MS = 10;
/** Time kept for reading the secret, connecting (with retries while a new cluster's DNS appears) and answering. */
const FIXED_RUN_MS = 90_000;

/**
 * Up to this size (the set as it appears in the template) the set travels in the properties; above it, by default,
 * in an S3 object. Kept well below the limits above, so an Update event stays far from 1 MB.
 */
export const INLINE_USER_SET_BYTES = 256 * 1024;
/** The Lambda timeout a provisioner gets by default, and the most Lambda allows. */
export const DEFAULT_TIMEOUT_SECONDS = 300;
export const MAX_TIMEOUT_SECONDS = 900;
/** How much longer than the projected first run the default timeout is. */
const TIMEOUT_HEADROOM = 1.5;

/** Where the user set travels to the Lambda: in the custom resource's properties, or in an S3 object. */
export type UserSetDelivery = 'properties' | 'object';

export interface CapacityProblem {
  readonly limit: string;
  readonly message: string;
}

/** The statements a first deploy of `users` runs: one per user and one per grant. */
function firstRunStatements(users: readonly DatabaseUserSpec[]): number {
  return users.reduce((sum, user) => sum + 1 + user.grants.length, 0);
}

/** The projected time of a first deploy, in ms: connecting and answering, plus every statement at RDS pace. */
export function projectedFirstRunMs(users: readonly DatabaseUserSpec[]): number {
  return FIXED_RUN_MS + firstRunStatements(users) * PROJECTED_STATEMENT_MS;
}

/**
 * The timeout a provisioner gets when none is declared: 5 minutes, or the projected first run with half again as
 * much room, up to Lambda's 15 minutes (beyond that, {@link provisionerCapacityProblems} stops the synth).
 */
export function defaultTimeoutSeconds(users: readonly DatabaseUserSpec[]): number {
  const roomy = Math.ceil((projectedFirstRunMs(users) * TIMEOUT_HEADROOM) / 60_000) * 60;
  return Math.min(MAX_TIMEOUT_SECONDS, Math.max(DEFAULT_TIMEOUT_SECONDS, roomy));
}

/** Where the set goes: as asked, or (no preference) inline while it is small and in an S3 object above that. */
export function chooseUserSetDelivery(encodedUsers: string, asked: UserSetDelivery | undefined): UserSetDelivery {
  if (asked !== undefined) return asked;
  return Buffer.byteLength(JSON.stringify(encodedUsers)) <= INLINE_USER_SET_BYTES ? 'properties' : 'object';
}

/**
 * Checks the encoded user set, where it travels, and the projected first run against the limits; an empty list
 * when it fits. A set in an S3 object is bounded only by the reader's size limit and the run's time.
 */
export function provisionerCapacityProblems(
  users: readonly DatabaseUserSpec[],
  encodedUsers: string,
  timeoutSeconds: number,
  delivery: UserSetDelivery = 'properties',
): CapacityProblem[] {
  const problems: CapacityProblem[] = [];
  const encodedBytes = Buffer.byteLength(encodedUsers);
  const split = `split the users across databases, or declare fewer, shorter grants (db.* instead of one grant per table)`;
  if (delivery === 'properties') {
    const updateEventBytes = 2 * Buffer.byteLength(JSON.stringify(encodedUsers)) + EVENT_ENVELOPE_BYTES;
    const inObject = `let the set travel in an S3 object (leave DatabaseUserProvisioner's userSetDelivery unset, or set it to 'object')`;
    if (updateEventBytes > LAMBDA_ASYNC_PAYLOAD_BYTES) {
      problems.push({
        limit: 'Lambda asynchronous payload (1 MB)',
        message:
          `the ${users.length} users encode to ${kib(encodedBytes)}; an Update event carries the new and the old set, ` +
          `${kib(updateEventBytes)}, above the 1 MB Lambda accepts from CloudFormation: ${inObject}`,
      });
    }
    const templateBytes = Buffer.byteLength(JSON.stringify(encodedUsers));
    if (templateBytes > TEMPLATE_SHARE_BYTES) {
      problems.push({
        limit: 'CloudFormation template (1 MB)',
        message: `the ${users.length} users take ${kib(templateBytes)} of the template, more than the ${kib(TEMPLATE_SHARE_BYTES)} a 1 MB template can spare: ${inObject}`,
      });
    }
  } else if (encodedBytes > MAX_USER_SET_OBJECT_BYTES) {
    problems.push({
      limit: 'user set object (16 MiB)',
      message: `the ${users.length} users encode to ${kib(encodedBytes)}, more than the ${kib(MAX_USER_SET_OBJECT_BYTES)} the provisioner reads: ${split}`,
    });
  }
  const statements = firstRunStatements(users);
  const projectedMs = projectedFirstRunMs(users);
  if (projectedMs > timeoutSeconds * 1000) {
    const canRaise = projectedMs <= MAX_TIMEOUT_SECONDS * 1000;
    problems.push({
      limit: 'Lambda timeout',
      message:
        `a first deploy of ${users.length} users runs about ${statements} statements, projected at ${Math.ceil(projectedMs / 1000)}s ` +
        `(${PROJECTED_STATEMENT_MS} ms each plus ${FIXED_RUN_MS / 1000}s to connect), beyond the provisioner's ${timeoutSeconds}s timeout: ` +
        (canRaise ? `raise DatabaseUserProvisioner's timeout (up to Duration.minutes(15)) or leave it unset to size it from the set, or ${split}` : split),
    });
  }
  return problems;
}

function kib(bytes: number): string {
  return `${Math.round(bytes / 1024)} KiB`;
}

/** The provisioner's memory for small sets (MB). */
export const DEFAULT_MEMORY_MB = 256;
/**
 * The provisioner's peak memory, as the rehearsal measured it under Lambda's Node.js heap limits
 * (bench/rehearse-scale.ts, README "How many users"): about 132 MiB for the runtime and its modules, plus about 32
 * bytes per byte of the encoded set. An Update holds two sets (the new and the old), decoded, and their plan: 1,000
 * users with the longest names (424 KiB encoded) peaked at 146 MiB, 10,000 (4.2 MiB) at 267 MiB — above 256 MB.
 */
const RUNTIME_MEMORY_BYTES = 132 * 1024 * 1024;
const MEMORY_BYTES_PER_ENCODED_BYTE = 32;
/** How much more memory than the projected peak the default gives. */
const MEMORY_HEADROOM = 1.5;

/**
 * The memory a provisioner gets: 256 MB, or the projected peak of an Update of this set with half again as much
 * room, in steps of 128 MB (Lambda allows up to 10,240 MB).
 */
export function defaultMemorySizeMb(encodedUsers: string): number {
  const projectedBytes = RUNTIME_MEMORY_BYTES + MEMORY_BYTES_PER_ENCODED_BYTE * Buffer.byteLength(encodedUsers, 'utf8');
  const wantedMb = Math.ceil((projectedBytes * MEMORY_HEADROOM) / (1024 * 1024) / 128) * 128;
  return Math.min(10_240, Math.max(DEFAULT_MEMORY_MB, wantedMb));
}
