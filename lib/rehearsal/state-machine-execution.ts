import type { LambdaErrorPayload } from './lambda-invocation-protocol';
import type { LambdaService } from './lambda-service';

/** The Amazon States Language the rehearsal runs: Task states on Lambda function ARNs, with Retry and Catch. */
interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Retry?: readonly { ErrorEquals: readonly string[]; IntervalSeconds?: number; MaxAttempts?: number; BackoffRate?: number; MaxDelaySeconds?: number }[];
  readonly Catch?: readonly { ErrorEquals: readonly string[]; Next: string }[];
}

export interface StateMachineDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

/** What one execution did, with time as Step Functions would have spent it (the rehearsal compresses waits). */
export interface ExecutionRecord {
  readonly executionArn: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  /** Task invocations, retries included. */
  taskInvocations: number;
  /** Seconds of Retry intervals an execution on AWS would have waited. */
  modelledWaitSeconds: number;
  error?: string;
}

/** Step Functions' own limit on an execution's input and on each state's output. */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

class TaskFailure extends Error {
  constructor(readonly errorName: string, readonly cause_: string) {
    super(errorName);
  }
}

/**
 * Runs one execution: each Task invokes its Lambda function with the state's input; a function error is retried by
 * the first matching Retrier (interval × backoff), then caught by the first matching Catcher, whose state gets
 * `{ Error, Cause }` as Step Functions passes it. Waits take `timeScale` of their real length.
 */
export async function runExecution(
  definition: StateMachineDefinition,
  input: unknown,
  lambda: LambdaService,
  record: ExecutionRecord,
  timeScale: number,
): Promise<void> {
  let stateName: string | undefined = definition.StartAt;
  let data: unknown = input;
  while (stateName !== undefined) {
    const state: AslState | undefined = definition.States[stateName];
    if (state === undefined) return fail(record, 'States.Runtime', `state ${stateName} does not exist`);
    if (state.Type === 'Succeed' || state.Type === 'Pass') {
      stateName = state.End ? undefined : state.Next;
      continue;
    }
    if (state.Type === 'Fail') return fail(record, 'States.Fail', stateName);
    if (state.Type !== 'Task' || state.Resource === undefined) return fail(record, 'States.Runtime', `state type ${state.Type} is not modelled`);
    try {
      data = await runTask(state, data, lambda, record, timeScale);
      stateName = state.End ? undefined : state.Next;
    } catch (error) {
      if (!(error instanceof TaskFailure)) throw error;
      const catcher = state.Catch?.find((candidate) => matches(candidate.ErrorEquals, error.errorName));
      if (catcher === undefined) return fail(record, error.errorName, error.cause_);
      data = { Error: error.errorName, Cause: error.cause_ };
      stateName = catcher.Next;
    }
  }
  record.status = 'SUCCEEDED';
}

async function runTask(state: AslState, input: unknown, lambda: LambdaService, record: ExecutionRecord, timeScale: number): Promise<unknown> {
  const definition = lambda.find(String(state.Resource));
  if (definition === undefined) throw new TaskFailure('States.Runtime', `the Task resource ${state.Resource} is no function of the template`);
  const attemptsByRetrier = new Map<number, number>();
  for (;;) {
    record.taskInvocations += 1;
    const outcome = await lambda.invoke(definition, input);
    if (outcome.result.ok) {
      if (Buffer.byteLength(outcome.result.payload) > STATE_PAYLOAD_LIMIT_BYTES) {
        throw new TaskFailure('States.DataLimitExceeded', `the state output is larger than ${STATE_PAYLOAD_LIMIT_BYTES} bytes`);
      }
      return JSON.parse(outcome.result.payload) as unknown;
    }
    const error: LambdaErrorPayload = outcome.result.error;
    const errorName = error.errorType;
    const retrierIndex = (state.Retry ?? []).findIndex((retrier) => matches(retrier.ErrorEquals, errorName));
    const retrier = state.Retry?.[retrierIndex];
    const attempts = attemptsByRetrier.get(retrierIndex) ?? 0;
    if (retrier === undefined || attempts >= (retrier.MaxAttempts ?? 3)) {
      throw new TaskFailure(errorName, JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, trace: error.trace }));
    }
    attemptsByRetrier.set(retrierIndex, attempts + 1);
    const interval = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempts;
    const waitSeconds = retrier.MaxDelaySeconds === undefined ? interval : Math.min(interval, retrier.MaxDelaySeconds);
    record.modelledWaitSeconds += waitSeconds;
    await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000 * timeScale));
  }
}

/** `States.ALL` matches every error but `States.Runtime`, as in Step Functions. */
function matches(errorEquals: readonly string[], errorName: string): boolean {
  return errorEquals.includes(errorName) || (errorEquals.includes('States.ALL') && errorName !== 'States.Runtime');
}

function fail(record: ExecutionRecord, error: string, cause: string): void {
  record.status = 'FAILED';
  record.error = `${error}: ${cause.slice(0, 300)}`;
}
