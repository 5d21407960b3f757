import type { IsCompleteResponse, OnEventResponse } from './handlers';

/**
 * Lambda entry of `ExistingIamAuthDatabase`'s custom resource: `onEvent` and `isComplete` of the Provider framework.
 *
 * As in the provisioner, the handlers and the RDS client are imported on the first event and kept for the
 * container's life (the bundle's top level does next to nothing); the client is created once per container, with
 * region and credentials from the Lambda environment.
 */
let loaded: Promise<Pick<typeof import('./handlers'), 'onEvent' | 'isComplete'> & { context: import('./handlers').ExistingIamAuthDatabaseContext }> | undefined;

function load(): NonNullable<typeof loaded> {
  loaded ??= Promise.all([import('./handlers'), import('./lambda-context')]).then(([handlers, { createLambdaContext }]) => ({
    onEvent: handlers.onEvent,
    isComplete: handlers.isComplete,
    context: createLambdaContext(),
  }));
  return loaded;
}

export const onEvent = async (event: unknown): Promise<OnEventResponse> => {
  const { onEvent: handle, context } = await load();
  return handle(event, context);
};

export const isComplete = async (event: unknown): Promise<IsCompleteResponse> => {
  const { isComplete: handle, context } = await load();
  return handle(event, context);
};
