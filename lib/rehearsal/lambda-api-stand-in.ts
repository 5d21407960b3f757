import type { IncomingMessage, ServerResponse } from 'node:http';
import { acceptSignedRequest, writeJson, writeJsonError } from './aws-request';
import type { LambdaService } from './lambda-service';
import { startLoopbackServer, type LoopbackServer } from './loopback-server';

/** Lambda's payload limits: 6 MB for a synchronous request or response, 1 MB for an asynchronous (`Event`) one. */
export const SYNC_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
export const ASYNC_PAYLOAD_LIMIT_BYTES = 1024 * 1024;

/**
 * The Lambda API on a loopback port (AWS_ENDPOINT_URL_LAMBDA): `Invoke` (RequestResponse and Event) runs the
 * function's bundle in the rehearsal's Lambda service; `GetFunction` says every function is active.
 */
export async function startLambdaApiStandIn(lambda: LambdaService, region: string): Promise<LoopbackServer> {
  return startLoopbackServer((request, body, response) => handle(lambda, region, request, body, response));
}

async function handle(lambda: LambdaService, region: string, request: IncomingMessage, body: Buffer, response: ServerResponse): Promise<void> {
  if (!acceptSignedRequest(request, response, { region, service: 'lambda' }, writeJsonError)) return;
  const match = /^\/2015-03-31\/functions\/([^/?]+)(\/invocations)?/.exec(request.url ?? '');
  if (match === null) {
    writeJsonError(response, 400, 'InvalidRequestContentException', `the rehearsal's Lambda does not model ${request.method} ${String(request.url).slice(0, 64)}`);
    return;
  }
  const name = decodeURIComponent(match[1]);
  const definition = lambda.find(name);
  if (definition === undefined) {
    writeJsonError(response, 404, 'ResourceNotFoundException', `Function not found: ${name.slice(0, 140)}`);
    return;
  }
  if (match[2] === undefined) {
    writeJson(response, { Configuration: { FunctionName: definition.functionName, FunctionArn: definition.arn, State: 'Active', LastUpdateStatus: 'Successful' } }, 'application/json');
    return;
  }
  const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  const limit = invocationType === 'Event' ? ASYNC_PAYLOAD_LIMIT_BYTES : SYNC_PAYLOAD_LIMIT_BYTES;
  if (body.length > limit) {
    writeJsonError(response, 413, 'RequestEntityTooLargeException', `Request must be smaller than ${limit} bytes for the ${invocationType} invocation type`);
    return;
  }
  const event = JSON.parse(body.toString('utf8') || 'null') as unknown;
  if (invocationType === 'Event') {
    void lambda.invoke(definition, event);
    response.writeHead(202, { 'x-amzn-requestid': crypto.randomUUID() });
    response.end();
    return;
  }
  const outcome = await lambda.invoke(definition, event);
  const payload = outcome.result.ok ? outcome.result.payload : JSON.stringify(outcome.result.error);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amz-executed-version': '$LATEST',
    'x-amzn-requestid': outcome.requestId,
  };
  if (!outcome.result.ok) headers['x-amz-function-error'] = 'Unhandled';
  if (Buffer.byteLength(payload) > SYNC_PAYLOAD_LIMIT_BYTES) {
    response.writeHead(200, { ...headers, 'x-amz-function-error': 'Unhandled' });
    response.end(JSON.stringify({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).' }));
    return;
  }
  response.writeHead(200, headers);
  response.end(payload);
}
