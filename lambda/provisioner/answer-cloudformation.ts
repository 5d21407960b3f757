import { buildResponse, CloudFormationResponse, sendResponse } from './cloudformation-response';
import { handleProvisionerEvent, ProvisionerDependencies, ProvisionerOutcome } from './handle-provisioner-event';
import { parseRequestEnvelope } from '../../lib/contracts/provisioner/provisioner-event';
import { ProvisionerProgress } from './provisioner-progress';

/** The part of the Lambda context the provisioner reads. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** Time kept before the Lambda timeout to deliver the answer. */
export const ANSWER_MARGIN_MS = 10_000;

export interface AnswerDependencies extends Omit<ProvisionerDependencies, 'deadline'> {
  /** Delivers the response; the default PUTs it to the request's pre-signed ResponseURL. */
  readonly respond?: (responseUrl: string, response: CloudFormationResponse) => Promise<void>;
}

/**
 * Runs one custom resource request and answers CloudFormation, always, before the Lambda times out: a run still
 * going at the deadline is cut (its connection destroyed, nothing more runs) and answered FAILED, naming what it
 * was doing. Returns the response it delivered. Throws only when the request carries no way to answer it, or the
 * answer could not be delivered (the Lambda service then retries the event, which is idempotent).
 */
export async function answerCloudFormation(event: unknown, context: LambdaContext, dependencies: AnswerDependencies): Promise<CloudFormationResponse> {
  const envelope = parseRequestEnvelope(event);
  const startedAt = Date.now();
  const deadline = startedAt + context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS;
  const progress = new ProvisionerProgress();
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<ProvisionerOutcome>((resolve) => {
    timer = setTimeout(() => {
      progress.abandoned = true;
      progress.connection?.destroy();
      const seconds = Math.round((Date.now() - startedAt) / 1000);
      const reason =
        `the provisioner ran out of time after ${seconds}s while ${progress.stage}; nothing more runs. ` +
        'Deploy again once the cause is fixed: every run converges from the current state. [RDS_IAM_PROVISIONER_TIMED_OUT]';
      dependencies.log({ event: 'failed', code: 'RDS_IAM_PROVISIONER_TIMED_OUT', stage: progress.stage, requestId: envelope.RequestId });
      resolve({ status: 'FAILED', physicalResourceId: progress.failurePhysicalId, reason });
    }, Math.max(0, deadline - Date.now()));
  });
  let outcome: ProvisionerOutcome;
  try {
    outcome = await Promise.race([handleProvisionerEvent(event, { ...dependencies, deadline }, progress), cut]);
  } finally {
    clearTimeout(timer);
  }
  const response = buildResponse(envelope, {
    status: outcome.status,
    physicalResourceId: outcome.physicalResourceId,
    reason: outcome.reason,
    data: outcome.data === undefined ? undefined : { ...outcome.data },
  });
  await (dependencies.respond ?? sendResponse)(envelope.ResponseURL, response);
  dependencies.log({ event: 'answered', status: response.Status, physicalResourceId: response.PhysicalResourceId, requestId: envelope.RequestId });
  return response;
}
