import { randomUUID } from 'node:crypto';
import { LambdaContainer, type ContainerSettings, type InvocationOutcome } from './lambda-container';
import type { LambdaFunctionDefinition } from './lambda-function';

/** The functions Lambda knows, by name or ARN. */
export interface FunctionCatalog {
  /** The function a `FunctionName` names: its name, its ARN, or its ARN with a version or alias. */
  find(nameOrArn: string): LambdaFunctionDefinition | undefined;
}

/**
 * The rehearsal's Lambda: the template's functions, each run in execution environments (child processes) that are
 * reused while idle and created when all are busy, as Lambda scales a function. Every invocation is recorded.
 */
export class LambdaService {
  private readonly idle = new Map<string, LambdaContainer[]>();
  private readonly all: LambdaContainer[] = [];
  private readonly listeners: ((outcome: InvocationOutcome, definition: LambdaFunctionDefinition) => void)[] = [];
  readonly invocations: InvocationOutcome[] = [];

  constructor(
    private readonly settings: ContainerSettings,
    private readonly catalog: FunctionCatalog,
  ) {}

  /** The function a `FunctionName` names: its name, its ARN, or its ARN with a version or alias. */
  find(nameOrArn: string): LambdaFunctionDefinition | undefined {
    const unqualified = /^arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+/.exec(nameOrArn)?.[0] ?? nameOrArn;
    return this.catalog.find(unqualified);
  }

  /** Called after every invocation, with its outcome. */
  onInvocation(listener: (outcome: InvocationOutcome, definition: LambdaFunctionDefinition) => void): void {
    this.listeners.push(listener);
  }

  /** Runs `event` on the function, synchronously from the caller's point of view (`RequestResponse`). */
  async invoke(definition: LambdaFunctionDefinition, event: unknown, requestId: string = randomUUID()): Promise<InvocationOutcome> {
    const pool = this.idle.get(definition.arn) ?? [];
    this.idle.set(definition.arn, pool);
    let container = pool.pop();
    while (container !== undefined && !container.isAlive) container = pool.pop();
    if (container === undefined) {
      container = new LambdaContainer(definition, this.settings);
      this.all.push(container);
    }
    const outcome = await container.invoke(event, requestId);
    if (container.isAlive) pool.push(container);
    this.invocations.push(outcome);
    for (const listener of this.listeners) listener(outcome, definition);
    return outcome;
  }

  /** Kills every execution environment; the next invocation of each function starts a new one (a cold start). */
  shutdown(): void {
    for (const container of this.all) container.kill();
    this.idle.clear();
  }
}
