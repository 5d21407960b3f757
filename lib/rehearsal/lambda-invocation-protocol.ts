/**
 * Messages between the rehearsal and a Lambda-like child process (lambda-runtime-shim.ts), over the Node IPC
 * channel. Types only: the shim runs under the Lambda Node.js version and imports nothing from the project.
 */

/** What the invocation's `context` carries, besides the deadline. */
export interface InvocationContextFields {
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

export interface InvokeMessage {
  readonly type: 'invoke';
  readonly event: unknown;
  /** `Date.now()` value at which the function times out. */
  readonly deadlineMs: number;
  readonly context: InvocationContextFields;
}

/** The error shape Lambda returns for a function error (`X-Amz-Function-Error: Unhandled`). */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

export type ShimMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: LambdaErrorPayload }
  | { readonly type: 'result'; readonly requestId: string; readonly payload: string }
  | { readonly type: 'error'; readonly requestId: string; readonly error: LambdaErrorPayload };
