import type { IncomingMessage, ServerResponse } from 'node:http';

/** The credential scope of a SigV4-signed request: `<key id>/<date>/<region>/<service>/aws4_request`. */
export interface CredentialScope {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
}

/** Reads the scope from the `Authorization` header; undefined when the request is not SigV4-signed. */
export function credentialScope(request: IncomingMessage): CredentialScope | undefined {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(request.headers.authorization ?? ''));
  return match === null ? undefined : { accessKeyId: match[1], region: match[2], service: match[3] };
}

/**
 * Refuses, as AWS does, a request that is not signed for this service and region; returns false after answering.
 * The signature itself is not checked: the rehearsal's credentials are fake.
 */
export function acceptSignedRequest(request: IncomingMessage, response: ServerResponse, expected: { region: string; service: string }, answer: JsonErrorWriter): boolean {
  const scope = credentialScope(request);
  if (scope === undefined) {
    answer(response, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    return false;
  }
  if (scope.region !== expected.region || scope.service !== expected.service) {
    answer(response, 403, 'InvalidSignatureException', `Credential should be scoped to a valid region and service: expected ${expected.region}/${expected.service}, got ${scope.region}/${scope.service}.`);
    return false;
  }
  return true;
}

export type JsonErrorWriter = (response: ServerResponse, status: number, type: string, message: string) => void;

/** An error of a JSON-protocol service (Secrets Manager, Step Functions, Lambda's REST JSON). */
export function writeJsonError(response: ServerResponse, status: number, type: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type, 'x-amzn-requestid': crypto.randomUUID() });
  response.end(JSON.stringify({ __type: type, message, Message: message }));
}

/** A successful JSON-protocol answer. */
export function writeJson(response: ServerResponse, body: unknown, contentType = 'application/x-amz-json-1.1'): void {
  response.writeHead(200, { 'content-type': contentType, 'x-amzn-requestid': crypto.randomUUID() });
  response.end(JSON.stringify(body));
}
