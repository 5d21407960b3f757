import { redactSecrets } from '../provisioning/redact-secrets';

/** CloudFormation's limits on a custom resource response. */
export const RESPONSE_BODY_LIMIT_BYTES = 4096;
export const PHYSICAL_ID_LIMIT_BYTES = 1024;

/** What CloudFormation made of a response body. */
export interface JudgedResponse {
  readonly status: 'SUCCESS' | 'FAILED' | 'INVALID';
  readonly physicalResourceId?: string;
  readonly reason?: string;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly bytes: number;
  /** Each way the response breaks CloudFormation's rules or leaks a secret; empty when it is sound. */
  readonly problems: readonly string[];
}

/** The request a response answers. */
export interface AnsweredRequest {
  readonly RequestType: string;
  readonly RequestId: string;
  readonly StackId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
}

/**
 * Reads a response as CloudFormation does: a JSON object of at most 4,096 bytes whose `Status` is SUCCESS or
 * FAILED, that names the request it answers, with a `PhysicalResourceId` of at most 1,024 bytes (the same one on a
 * Delete) and a `Reason` when it fails. Also fails it when any of `secrets` appears in it.
 */
export function judgeResponse(body: Buffer, request: AnsweredRequest, secrets: readonly string[]): JudgedResponse {
  const problems: string[] = [];
  const text = body.toString('utf8');
  const leaked = secrets.filter((secret) => secret.length >= 8 && text.includes(secret));
  // CloudFormation accepts a response that leaks a secret (and shows it in the console): a finding, not a rejection.
  const leak = leaked.length > 0 ? [`the response carries a secret (${leaked.length} found: the master password or a token)`] : [];
  if (body.length > RESPONSE_BODY_LIMIT_BYTES) {
    problems.push(`the response is ${body.length} bytes; CloudFormation reads at most ${RESPONSE_BODY_LIMIT_BYTES} ("Response object is too long")`);
    return { status: 'INVALID', bytes: body.length, problems: [...problems, ...leak] };
  }
  let parsed: Record<string, unknown>;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    parsed = value as Record<string, unknown>;
  } catch {
    problems.push(`the response is not a JSON object: ${JSON.stringify(redactSecrets(text, secrets).slice(0, 64))}`);
    return { status: 'INVALID', bytes: body.length, problems: [...problems, ...leak] };
  }
  const status = parsed.Status;
  if (status !== 'SUCCESS' && status !== 'FAILED') problems.push(`Status is ${JSON.stringify(status)}, not SUCCESS or FAILED`);
  for (const field of ['RequestId', 'StackId', 'LogicalResourceId'] as const) {
    if (parsed[field] !== request[field]) problems.push(`${field} is ${JSON.stringify(parsed[field])?.slice(0, 80)}, not the request's`);
  }
  const physicalId = parsed.PhysicalResourceId;
  if (typeof physicalId !== 'string' || physicalId.length === 0) {
    problems.push('PhysicalResourceId is missing or empty');
  } else {
    const bytes = Buffer.byteLength(physicalId);
    if (bytes > PHYSICAL_ID_LIMIT_BYTES) problems.push(`PhysicalResourceId is ${bytes} bytes; the limit is ${PHYSICAL_ID_LIMIT_BYTES}`);
    if (request.RequestType === 'Delete' && physicalId !== request.PhysicalResourceId) {
      problems.push(`a Delete answered with PhysicalResourceId ${JSON.stringify(physicalId.slice(0, 80))}, not the one being deleted`);
    }
  }
  const reason = typeof parsed.Reason === 'string' ? parsed.Reason : undefined;
  if (status === 'FAILED' && (reason === undefined || reason.length === 0)) problems.push('a FAILED response has no Reason');
  const data = parsed.Data;
  if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) problems.push('Data is not an object');
  return {
    status: problems.length === 0 && (status === 'SUCCESS' || status === 'FAILED') ? status : 'INVALID',
    physicalResourceId: typeof physicalId === 'string' ? physicalId : undefined,
    reason: reason === undefined ? undefined : redactSecrets(reason, secrets),
    data: typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : undefined,
    bytes: body.length,
    problems: [...problems, ...leak],
  };
}
