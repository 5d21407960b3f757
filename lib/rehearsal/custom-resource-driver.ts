import type { InvocationOutcome } from './lambda-container';
import type { LambdaService } from './lambda-service';
import { ASYNC_PAYLOAD_LIMIT_BYTES } from './lambda-api-stand-in';
import { customResourceEvent, type CustomResourceEvent, type CustomResourceRequest } from './custom-resource-request';
import type { ResponseRecorder } from './response-recorder';
import { judgeResponse, type JudgedResponse } from './response-judgement';
import type { StepFunctionsStandIn } from './step-functions-stand-in';

/** How one request to a custom resource ended, as CloudFormation saw it. */
export interface RequestOutcome {
  readonly request: CustomResourceRequest;
  readonly event: CustomResourceEvent;
  /** NO_RESPONSE: nothing was PUT to the ResponseURL; CloudFormation would wait out the ServiceTimeout and fail. */
  readonly status: JudgedResponse['status'] | 'NO_RESPONSE';
  readonly physicalResourceId?: string;
  readonly reason?: string;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly responseBytes?: number;
  /** Everything CloudFormation or a reviewer would object to: limits, leaks, a different answer to a repeated event. */
  readonly problems: readonly string[];
  readonly invocations: readonly InvocationOutcome[];
  readonly durationMs: number;
  /** Time AWS would have spent waiting that the rehearsal did not (Lambda retry delays, waiter intervals). */
  readonly modelledWaitSeconds: number;
}

export interface DriverDependencies {
  readonly lambda: LambdaService;
  readonly recorder: ResponseRecorder;
  readonly stepFunctions: StepFunctionsStandIn;
  readonly stackId: string;
  readonly region: string;
  /** The values no response or log line may contain (master passwords). */
  readonly secrets: () => readonly string[];
  /**
   * Stop waiting for a response after this long: the outcome is NO_RESPONSE, as CloudFormation's would be.
   * @default - the function's own timeout decides
   */
  readonly requestDeadlineMs?: number;
}

/** Lambda retries a failed asynchronous invocation twice, about one and then two minutes later. */
const ASYNC_RETRY_DELAYS_SECONDS = [60, 120];
/** CloudFormation waits this long for a response unless the resource sets `ServiceTimeout`. */
const DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600;

/**
 * CloudFormation's side of the custom resource protocol for one request: it invokes the ServiceToken function
 * asynchronously (with Lambda's retries of a failed invocation), lets any waiter the function starts run, and reads
 * what was PUT to the ResponseURL as CloudFormation would.
 */
export class CustomResourceDriver {
  constructor(private readonly dependencies: DriverDependencies) {}

  async send(request: CustomResourceRequest, options: { readonly repeat?: boolean } = {}): Promise<RequestOutcome> {
    const { recorder, stackId, region } = this.dependencies;
    let key = '';
    const event = customResourceEvent(request, stackId, (requestId) => {
      const made = recorder.responseUrl(stackId, request.logicalId, requestId, region);
      key = made.key;
      return made.url;
    });
    const first = await this.deliver(request, event, key);
    if (!options.repeat || first.status === 'NO_RESPONSE') return first;
    // The same event again, as a retried delivery brings it: same RequestId, same ResponseURL.
    const second = await this.deliver(request, event, key, recorder.responsesFor(key).length);
    const problems = [...first.problems];
    if (second.status !== first.status || second.physicalResourceId !== first.physicalResourceId) {
      problems.push(
        `the repeated ${request.requestType} answered ${second.status} ${JSON.stringify(second.physicalResourceId ?? '').slice(0, 80)}, ` +
          `the first ${first.status} ${JSON.stringify(first.physicalResourceId ?? '').slice(0, 80)}`,
      );
    }
    problems.push(...second.problems.filter((problem) => !problems.includes(problem)).map((problem) => `repeated: ${problem}`));
    return {
      ...first,
      problems,
      invocations: [...first.invocations, ...second.invocations],
      durationMs: first.durationMs + second.durationMs,
      modelledWaitSeconds: first.modelledWaitSeconds + second.modelledWaitSeconds,
    };
  }

  private async deliver(request: CustomResourceRequest, event: CustomResourceEvent, key: string, earlierResponses = 0): Promise<RequestOutcome> {
    const { lambda, recorder, stepFunctions } = this.dependencies;
    const startedAt = Date.now();
    const problems: string[] = [];
    const invocations: InvocationOutcome[] = [];
    let modelledWaitSeconds = 0;
    const executionsBefore = stepFunctions.executions.length;
    const finish = (status: RequestOutcome['status'], judged?: JudgedResponse): RequestOutcome => {
      const executions = stepFunctions.executions.slice(executionsBefore);
      modelledWaitSeconds += executions.reduce((sum, execution) => sum + execution.modelledWaitSeconds, 0);
      problems.push(...this.leaksInLogs(invocations));
      return {
        request,
        event,
        status,
        physicalResourceId: judged?.physicalResourceId,
        reason: judged?.reason,
        data: judged?.data,
        responseBytes: judged?.bytes,
        problems: [...problems, ...(judged?.problems ?? [])],
        invocations,
        durationMs: Date.now() - startedAt,
        modelledWaitSeconds,
      };
    };

    const eventBytes = Buffer.byteLength(JSON.stringify(event));
    if (eventBytes > ASYNC_PAYLOAD_LIMIT_BYTES) {
      problems.push(`the ${event.RequestType} event is ${eventBytes} bytes; Lambda accepts at most ${ASYNC_PAYLOAD_LIMIT_BYTES} for CloudFormation's asynchronous invocation`);
      return finish('NO_RESPONSE');
    }
    const definition = lambda.find(event.ServiceToken);
    if (definition === undefined) {
      problems.push(`the ServiceToken ${event.ServiceToken.slice(0, 120)} is no Lambda function of this template`);
      return finish('NO_RESPONSE');
    }

    const work = (async () => {
      for (let attempt = 0; ; attempt++) {
        const outcome = await lambda.invoke(definition, event);
        invocations.push(outcome);
        if (outcome.result.ok || attempt >= ASYNC_RETRY_DELAYS_SECONDS.length) break;
        modelledWaitSeconds += ASYNC_RETRY_DELAYS_SECONDS[attempt];
      }
      await stepFunctions.settled();
    })();
    const deadlineMs = this.dependencies.requestDeadlineMs;
    const inTime = await (deadlineMs === undefined
      ? work.then(() => true)
      : Promise.race([work.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), deadlineMs).unref())]));

    const responses = recorder.responsesFor(key).slice(earlierResponses);
    if (responses.length === 0) {
      const serviceTimeout = Number(request.properties.ServiceTimeout ?? DEFAULT_SERVICE_TIMEOUT_SECONDS);
      problems.push(
        inTime
          ? `no response was sent: CloudFormation would wait ${serviceTimeout} s (ServiceTimeout) and fail the resource`
          : `no response within ${Math.round((deadlineMs ?? 0) / 1000)} s (the rehearsal's limit; ${definition.functionName} may run ${definition.timeoutSeconds} s)`,
      );
      return finish('NO_RESPONSE');
    }
    const judged = judgeResponse(responses[0].body, event, this.dependencies.secrets());
    if (responses.length > 1) {
      const statuses = responses.map((response) => judgeResponse(response.body, event, []).status);
      if (new Set(statuses).size > 1) problems.push(`${responses.length} responses were PUT with different statuses (${statuses.join(', ')}); CloudFormation reads one`);
    }
    return finish(judged.status, judged);
  }

  private leaksInLogs(invocations: readonly InvocationOutcome[]): string[] {
    const secrets = this.dependencies.secrets().filter((secret) => secret.length >= 8);
    const leaking = invocations.filter((invocation) => secrets.some((secret) => invocation.logs.includes(secret)));
    return leaking.length === 0 ? [] : [`${leaking.map((invocation) => invocation.functionName).join(', ')} wrote a secret to its log`];
  }
}
