import { IamDatabaseDeclarationError } from '../../lib/constructs/declaration-error';

/** Runs a declaration that must be refused at synth and returns the error, so tests can read its fields. */
export function declarationError(act: () => unknown): IamDatabaseDeclarationError {
  try {
    act();
  } catch (error) {
    if (error instanceof IamDatabaseDeclarationError) return error;
    throw error;
  }
  throw new Error('expected the declaration to be refused');
}
