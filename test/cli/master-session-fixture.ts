import type { Connection } from 'mysql2/promise';
import type { RunningEmulator } from '../../lib/emulator';
import { connectAsAdmin } from '../support/emulator';
import { setEnvironment } from './in-process-cli';

/** The variable `--password-env` names in the plan/apply tests; it holds the emulator's admin password. */
export const PASSWORD_VARIABLE = 'RDS_IAM_TEST_MASTER_PASSWORD';

/**
 * For a test file driving `plan`/`apply`: an admin connection to inspect and change the server by hand, and the
 * master password in {@link PASSWORD_VARIABLE} for the file's lifetime. Returns a getter for the admin connection.
 */
export function useMasterSession(emulator: () => RunningEmulator): () => Connection {
  let admin: Connection | undefined;
  let restoreEnvironment: (() => void) | undefined;
  beforeAll(async () => {
    admin = await connectAsAdmin(emulator());
    restoreEnvironment = setEnvironment({ [PASSWORD_VARIABLE]: emulator().adminPassword });
  });
  afterAll(async () => {
    restoreEnvironment?.();
    await admin?.end();
  });
  return () => {
    if (admin === undefined) throw new Error('the admin connection is opened in beforeAll');
    return admin;
  };
}
