/** Awaits a promise that must reject and returns the error, so tests can read its code and message. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error('expected the promise to reject');
}
