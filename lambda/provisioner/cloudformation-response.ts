import * as https from 'node:https';
import { RdsIamError } from '../../lib/errors/rds-iam-error';

/**
 * The custom resource protocol's answer: the JSON document PUT to the pre-signed `ResponseURL` CloudFormation sends.
 * The provisioner answers CloudFormation itself (not through the Provider framework) so that the rollback Delete of a
 * failed Create reaches it; see `lib/contracts/provisioner/provisioner-physical-id.ts`.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
export interface CloudFormationResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho: false;
  readonly Data?: Readonly<Record<string, string | number>>;
}

/** CloudFormation cannot read a response body over 4,096 bytes: the stack would wait for its timeout. */
export const MAX_RESPONSE_BYTES = 4096;

const CUT_MARK = ' … (cut to fit; the full reason is in the provisioner log)';

/** What the response is about: the request fields CloudFormation echoes back. */
export interface ResponseRequest {
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
}

/**
 * Builds the response, cutting the reason (its head is the most useful part: what failed, for which user, the fix)
 * so the whole body stays within {@link MAX_RESPONSE_BYTES}.
 */
export function buildResponse(
  request: ResponseRequest,
  outcome: { readonly status: 'SUCCESS' | 'FAILED'; readonly physicalResourceId: string; readonly reason?: string; readonly data?: Readonly<Record<string, string | number>> },
): CloudFormationResponse {
  const response: CloudFormationResponse = {
    Status: outcome.status,
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
    NoEcho: false,
    ...(outcome.data === undefined ? {} : { Data: outcome.data }),
  };
  if (outcome.reason === undefined) return response;
  const room = MAX_RESPONSE_BYTES - Buffer.byteLength(JSON.stringify({ ...response, Reason: '' }));
  return { ...response, Reason: cutToBytes(outcome.reason, room) };
}

/** The longest head of `text` whose JSON string form fits `room` bytes, marked when cut. */
function cutToBytes(text: string, room: number): string {
  const fits = (candidate: string): boolean => Buffer.byteLength(JSON.stringify(candidate)) - 2 <= room;
  if (fits(text)) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(`${text.slice(0, middle)}${CUT_MARK}`)) low = middle;
    else high = middle - 1;
  }
  return `${text.slice(0, low)}${CUT_MARK}`;
}

export interface SendResponseOptions {
  /** Extra CA (PEM) to trust for the response URL besides Node's store; for tests with a local stand-in. */
  readonly ca?: string;
  /** @default 10_000 */
  readonly timeoutMs?: number;
  /** @default 3 */
  readonly attempts?: number;
}

export class ResponseDeliveryError extends RdsIamError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RDS_IAM_RESPONSE_NOT_DELIVERED', message, options);
    this.name = 'ResponseDeliveryError';
  }
}

/**
 * PUTs the response to the pre-signed URL over verified TLS, retrying a few times. The URL carries a signature, so
 * it is never logged; errors name only its host.
 */
export async function sendResponse(responseUrl: string, response: CloudFormationResponse, options: SendResponseOptions = {}): Promise<void> {
  const url = new URL(responseUrl);
  if (url.protocol !== 'https:') throw new ResponseDeliveryError(`the ResponseURL must be https, got ${url.protocol}`);
  const body = JSON.stringify(response);
  const attempts = options.attempts ?? 3;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      await putOnce(url, body, options);
      return;
    } catch (error) {
      lastError = error;
    }
  }
  const detail = lastError instanceof Error ? lastError.message : String(lastError);
  throw new ResponseDeliveryError(`could not deliver the response to ${url.host} after ${attempts} attempts: ${detail}`, { cause: lastError });
}

function putOnce(url: URL, body: string, options: SendResponseOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: 'PUT',
        // The pre-signed URL is signed for an empty content type.
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
        timeout: options.timeoutMs ?? 10_000,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
      (answer) => {
        answer.resume();
        answer.on('end', () => {
          const status = answer.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`HTTP ${status}`));
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
