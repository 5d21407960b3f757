import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { InvocationContextFields, LambdaErrorPayload, ShimMessage } from './lambda-invocation-protocol';
import type { LambdaFunctionDefinition } from './lambda-function';

/** How one invocation ended, as Lambda would report it. */
export interface InvocationOutcome {
  readonly requestId: string;
  readonly functionName: string;
  /** The JSON the handler returned, or the function error. */
  readonly result: { readonly ok: true; readonly payload: string } | { readonly ok: false; readonly error: LambdaErrorPayload };
  readonly startedAt: number;
  readonly durationMs: number;
  /** What the function wrote to stdout and stderr during this invocation (and its init, for the first). */
  readonly logs: string;
  /**
   * The execution environment's peak resident memory so far (Lambda's "Max Memory Used"), from the process's
   * `VmHWM`; undefined where /proc does not tell (not Linux) or the process is gone.
   */
  readonly maxMemoryUsedBytes?: number;
  /** The function's `MemorySize`, in MB: Lambda stops an environment that uses more. */
  readonly memorySizeMb: number;
}

/** What every container of the rehearsal is started with. */
export interface ContainerSettings {
  readonly nodeBinary: string;
  readonly shimFile: string;
  /** The runtime's environment before the function's own variables (region, credentials, endpoints, …), when a container starts. */
  readonly environment: () => Readonly<Record<string, string>>;
}

/** Lambda gives a function's init 10 seconds. */
const INIT_TIMEOUT_MS = 10_000;

/**
 * One Lambda execution environment: a child process running the shim under the Lambda Node.js version, reused for
 * invocations one at a time and frozen (SIGSTOP) between them as Lambda freezes an idle sandbox. A timeout or a
 * crash kills it: the next invocation gets a fresh one, with a new init, as on Lambda.
 */
export class LambdaContainer {
  private child: ChildProcess | undefined;
  private logBuffer = '';
  private pending: ((message: ShimMessage | { type: 'exit'; detail: string }) => void) | undefined;
  private alive = false;
  private readonly ready: Promise<LambdaErrorPayload | undefined>;

  constructor(
    readonly definition: LambdaFunctionDefinition,
    settings: ContainerSettings,
  ) {
    this.ready = this.start(settings);
  }

  get isAlive(): boolean {
    return this.alive;
  }

  /** Runs one event; resolves with the outcome (a function error or timeout is an outcome, not a rejection). */
  async invoke(event: unknown, requestId: string): Promise<InvocationOutcome> {
    const startedAt = Date.now();
    const initError = await this.ready;
    const child = this.child;
    if (initError !== undefined || child === undefined || !this.alive) {
      return this.outcome(requestId, startedAt, { ok: false, error: initError ?? exitError(requestId, 'the runtime is not running') });
    }
    child.kill('SIGCONT');
    const timeoutMs = this.definition.timeoutSeconds * 1000;
    const context: InvocationContextFields = {
      awsRequestId: requestId,
      functionName: this.definition.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.definition.arn,
      memoryLimitInMB: String(this.definition.memorySize),
      logGroupName: this.definition.logGroupName,
      logStreamName: this.logStreamName(startedAt),
    };
    const answer = new Promise<ShimMessage | { type: 'exit'; detail: string }>((resolve) => (this.pending = resolve));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    child.send({ type: 'invoke', event, deadlineMs: startedAt + timeoutMs, context });
    const message = await Promise.race([answer, timedOut]);
    clearTimeout(timer);
    this.pending = undefined;
    if (message === 'timeout') {
      this.kill();
      this.logBuffer += `${new Date().toISOString()} ${requestId} Task timed out after ${this.definition.timeoutSeconds.toFixed(2)} seconds\n`;
      return this.outcome(requestId, startedAt, {
        ok: false,
        error: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${this.definition.timeoutSeconds.toFixed(2)} seconds` },
      });
    }
    if (message.type === 'result') {
      child.kill('SIGSTOP');
      return this.outcome(requestId, startedAt, { ok: true, payload: message.payload });
    }
    if (message.type === 'error') {
      child.kill('SIGSTOP');
      return this.outcome(requestId, startedAt, { ok: false, error: message.error });
    }
    this.kill();
    return this.outcome(requestId, startedAt, { ok: false, error: exitError(requestId, message.type === 'exit' ? message.detail : 'unexpected message') });
  }

  /** Ends the process (idempotent). */
  kill(): void {
    if (this.child !== undefined && this.alive) {
      this.child.kill('SIGKILL');
    }
    this.alive = false;
  }

  private start(settings: ContainerSettings): Promise<LambdaErrorPayload | undefined> {
    const { definition } = this;
    const child = fork(settings.shimFile, [], {
      execPath: settings.nodeBinary,
      // The shim's TypeScript source runs through type stripping; its format notice is no log line of the function.
      execArgv: ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', ...lambdaHeapArguments(definition.memorySize)],
      cwd: definition.codeDirectory,
      env: {
        ...settings.environment(),
        ...definition.environment,
        _HANDLER: definition.handler,
        LAMBDA_TASK_ROOT: definition.codeDirectory,
        AWS_LAMBDA_FUNCTION_NAME: definition.functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memorySize),
        AWS_LAMBDA_LOG_GROUP_NAME: definition.logGroupName,
        AWS_LAMBDA_LOG_STREAM_NAME: this.logStreamName(Date.now()),
        AWS_EXECUTION_ENV: `AWS_Lambda_${definition.runtime}`,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    this.alive = true;
    const collect = (chunk: Buffer): void => {
      this.logBuffer += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        resolve({ errorType: 'Runtime.InitTimeout', errorMessage: `init did not finish in ${INIT_TIMEOUT_MS / 1000} seconds` });
      }, INIT_TIMEOUT_MS);
      child.on('message', (message: ShimMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          child.kill('SIGSTOP');
          resolve(undefined);
        } else if (message.type === 'init-error') {
          clearTimeout(timer);
          this.kill();
          resolve(message.error);
        } else {
          this.pending?.(message);
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        const wasAlive = this.alive;
        this.alive = false;
        const detail = `Runtime exited with error: ${signal === null ? `exit status ${code}` : `signal: ${signal === 'SIGKILL' ? 'killed' : signal}`}`;
        if (wasAlive) resolve({ errorType: 'Runtime.ExitError', errorMessage: detail });
        this.pending?.({ type: 'exit', detail });
      });
    });
  }

  private outcome(requestId: string, startedAt: number, result: InvocationOutcome['result']): InvocationOutcome {
    const logs = this.logBuffer;
    this.logBuffer = '';
    const maxMemoryUsedBytes = peakResidentBytes(this.child?.pid);
    const { functionName, memorySize: memorySizeMb } = this.definition;
    return { requestId, functionName, result, startedAt, durationMs: Date.now() - startedAt, logs, maxMemoryUsedBytes, memorySizeMb };
  }

  private logStreamName(at: number): string {
    const day = new Date(at).toISOString().slice(0, 10).replace(/-/g, '/');
    return `${day}/[$LATEST]${this.definition.logicalId.toLowerCase().slice(0, 8)}${process.pid.toString(16)}`;
  }
}

/**
 * The heap limits Lambda's Node.js runtime starts node with, from the function's memory: a tenth for the young
 * generation (half of it per semi-space), the rest for the old one. V8 then collects garbage as it would on Lambda.
 */
function lambdaHeapArguments(memorySizeMb: number): string[] {
  const newSpace = Math.floor(memorySizeMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memorySizeMb - newSpace}`];
}

/** A process's peak resident set (`VmHWM` of /proc/<pid>/status), in bytes. */
function peakResidentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

function exitError(requestId: string, detail: string): LambdaErrorPayload {
  return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: ${detail}` };
}
