import type { IncomingMessage, ServerResponse } from 'node:http';
import { acceptSignedRequest, writeJson, writeJsonError } from './aws-request';
import type { LambdaService } from './lambda-service';
import { startLoopbackServer, type LoopbackServer } from './loopback-server';
import { runExecution, STATE_PAYLOAD_LIMIT_BYTES, type ExecutionRecord, type StateMachineDefinition } from './state-machine-execution';

/**
 * Step Functions' `StartExecution` on a loopback port (AWS_ENDPOINT_URL_SFN), running the template's state machines
 * (the Provider framework's waiter) in the background against the rehearsal's Lambda.
 */
export class StepFunctionsStandIn {
  private readonly running = new Set<Promise<void>>();
  readonly executions: ExecutionRecord[] = [];

  private constructor(
    private readonly server: LoopbackServer,
    private readonly machines: ReadonlyMap<string, StateMachineDefinition>,
    private readonly lambda: LambdaService,
    private readonly timeScale: number,
  ) {}

  /**
   * @param machines state machine ARN → definition, from the template
   * @param timeScale fraction of each Retry interval actually waited (the record keeps the real length)
   */
  static async start(region: string, machines: ReadonlyMap<string, StateMachineDefinition>, lambda: LambdaService, timeScale: number): Promise<StepFunctionsStandIn> {
    let standIn: StepFunctionsStandIn | undefined;
    const server = await startLoopbackServer((request, body, response) => standIn?.handle(region, request, body, response));
    standIn = new StepFunctionsStandIn(server, machines, lambda, timeScale);
    return standIn;
  }

  get url(): string {
    return this.server.url;
  }

  /** Resolves when no execution is running. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(region: string, request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    if (!acceptSignedRequest(request, response, { region, service: 'states' }, writeJsonError)) return;
    const action = String(request.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
    if (action !== 'StartExecution') {
      writeJsonError(response, 400, 'UnknownOperationException', `the rehearsal's Step Functions does not model ${action.slice(0, 64)}`);
      return;
    }
    const input = JSON.parse(body.toString('utf8')) as { stateMachineArn?: string; input?: string; name?: string };
    const definition = this.machines.get(String(input.stateMachineArn));
    if (definition === undefined) {
      writeJsonError(response, 400, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(input.stateMachineArn).slice(0, 200)}'`);
      return;
    }
    if (Buffer.byteLength(input.input ?? '') > STATE_PAYLOAD_LIMIT_BYTES) {
      writeJsonError(response, 400, 'InvalidExecutionInput', `the execution input is larger than ${STATE_PAYLOAD_LIMIT_BYTES} bytes`);
      return;
    }
    const name = input.name ?? crypto.randomUUID();
    const executionArn = `${String(input.stateMachineArn).replace(':stateMachine:', ':execution:')}:${name}`;
    const record: ExecutionRecord = { executionArn, status: 'RUNNING', taskInvocations: 0, modelledWaitSeconds: 0 };
    this.executions.push(record);
    const run = runExecution(definition, JSON.parse(input.input ?? '{}'), this.lambda, record, this.timeScale)
      .catch((error: unknown) => {
        record.status = 'FAILED';
        record.error = error instanceof Error ? error.message : String(error);
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
    writeJson(response, { executionArn, startDate: Date.now() / 1000 }, 'application/x-amz-json-1.0');
  }
}
