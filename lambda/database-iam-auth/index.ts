import { RDSClient } from '@aws-sdk/client-rds';
import { DatabaseIamAuthContext, IsCompleteResponse, OnEventResponse, isComplete as isCompleteWith, onEvent as onEventWith } from './handlers';

/**
 * Lambda entry of `ExistingIamAuthDatabase`'s custom resource: `onEvent` and `isComplete` of the Provider framework.
 * The RDS client is created once per container (region and credentials from the Lambda environment).
 */
const context: DatabaseIamAuthContext = {
  rds: new RDSClient({}),
  log: (entry) => console.log(JSON.stringify(entry)),
};

export const onEvent = (event: unknown): Promise<OnEventResponse> => onEventWith(event, context);
export const isComplete = (event: unknown): Promise<IsCompleteResponse> => isCompleteWith(event, context);
