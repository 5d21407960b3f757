import { RdsIamError, type RdsIamErrorCode } from '../errors/rds-iam-error';

/**
 * The one error type of the emulator launcher. Its `code` says which step failed; its message says what to do.
 * Messages may quote the server's error log, which never holds a token (the plugin logs reasons, not tokens).
 */

/** The codes the emulator throws with: the step that failed. */
export type EmulatorErrorCode = Extract<RdsIamErrorCode, `EMULATOR_${string}`>;

export class EmulatorError extends RdsIamError {
  constructor(code: EmulatorErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(code, message, options);
    this.name = 'EmulatorError';
  }
}
