import { randomUUID } from 'node:crypto';

/** A custom resource request as CloudFormation sends it to the ServiceToken. */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
  readonly PhysicalResourceId?: string;
  readonly OldResourceProperties?: Readonly<Record<string, unknown>>;
}

/** What the stack asks of one custom resource. */
export interface CustomResourceRequest {
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly logicalId: string;
  readonly resourceType: string;
  /** Resolved properties, `ServiceToken` included. */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly oldProperties?: Readonly<Record<string, unknown>>;
  readonly physicalResourceId?: string;
}

/**
 * CloudFormation hands a custom resource every scalar property as a string (numbers and booleans too), at any
 * depth; lists and objects keep their shape.
 */
export function stringifyScalars(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringifyScalars);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, stringifyScalars(inner)]));
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

/** Builds the event, with a new RequestId, for a ResponseURL the caller made for it. */
export function customResourceEvent(
  request: CustomResourceRequest,
  stackId: string,
  responseUrl: (requestId: string) => string,
): CustomResourceEvent {
  const requestId = randomUUID();
  return {
    RequestType: request.requestType,
    ServiceToken: String(request.properties.ServiceToken),
    ResponseURL: responseUrl(requestId),
    StackId: stackId,
    RequestId: requestId,
    LogicalResourceId: request.logicalId,
    ResourceType: request.resourceType,
    ...(request.physicalResourceId === undefined ? {} : { PhysicalResourceId: request.physicalResourceId }),
    ResourceProperties: stringifyScalars(request.properties) as Record<string, unknown>,
    ...(request.oldProperties === undefined ? {} : { OldResourceProperties: stringifyScalars(request.oldProperties) as Record<string, unknown> }),
  };
}
