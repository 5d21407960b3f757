/**
 * The one error type of the emulator launcher. Its `code` says which step failed; its message says what to do.
 * Messages may quote the server's error log, which never holds a token (the plugin logs reasons, not tokens).
 */

/** Every code the emulator throws with. */
export type EmulatorErrorCode =
  | 'EMULATOR_INVALID_OPTIONS'
  | 'EMULATOR_MISSING_SYSTEM_PACKAGE'
  | 'EMULATOR_PLUGIN_BUILD_FAILED'
  | 'EMULATOR_DATA_DIRECTORY_FAILED'
  | 'EMULATOR_CERTIFICATES_FAILED'
  | 'EMULATOR_SERVER_FAILED';

export class EmulatorError extends Error {
  /** Stable identifier of the failed step, e.g. `EMULATOR_PLUGIN_BUILD_FAILED`. */
  readonly code: EmulatorErrorCode;

  constructor(code: EmulatorErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = 'EmulatorError';
    this.code = code;
  }
}
