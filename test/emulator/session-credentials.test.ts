import { readFile } from 'node:fs/promises';
import type { Connection } from 'mysql2/promise';
import type { RunningEmulator } from '../../lib/emulator';
import { connectAsAdmin, connectWithToken, createIamUser, describeEachEngine, mintToken, useEmulator } from '../support/emulator';

/** Base64 like a real STS session token, so '+', '/' and '=' go through percent-encoding in the token. */
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE+session/token==';
const USER = 'app_temporary';

describeEachEngine('session credentials', (engine) => {
  const temporary = useEmulator({ engine, accessKeyId: 'ASIAEMULATORTESTKEY1', sessionToken: SESSION_TOKEN });
  const permanent = useEmulator({ engine });

  async function createUserOn(running: RunningEmulator): Promise<void> {
    const admin: Connection = await connectAsAdmin(running);
    await createIamUser(admin, USER);
    await admin.end();
  }

  beforeAll(async () => {
    await Promise.all([createUserOn(temporary()), createUserOn(permanent())]);
  });

  describe('temporary credentials (X-Amz-Security-Token)', () => {
    it('log in when the token carries their session token', async () => {
      const token = await mintToken(temporary(), USER);

      const connection = await connectWithToken(temporary(), USER, token);
      await connection.end();

      expect(token).toContain(`X-Amz-Security-Token=${encodeURIComponent(SESSION_TOKEN)}`);
    });

    it.each([
      ['no session token', undefined],
      ['another session token', 'IQoJb3JpZ2luX2VjANOTHER+session/token=='],
    ])('are refused with %s, even though the signature is valid', async (_case, sessionToken) => {
      const running = temporary();
      const token = await mintToken(running, USER, {
        credentials: { accessKeyId: running.accessKeyId, secretAccessKey: running.secretAccessKey, sessionToken },
      });

      const before = (await readFile(running.errorLogFile)).length;

      await expect(connectWithToken(running, USER, token)).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });

      const logged = (await readFile(running.errorLogFile)).subarray(before).toString('utf8');
      expect(logged).toContain("access key id 'ASIAEMULATORTESTKEY1' is temporary");
      expect(logged).not.toContain('session/token');
    });

    it('log in on an emulator started without one: any signed session token is accepted there', async () => {
      const running = permanent();
      const token = await mintToken(running, USER, {
        credentials: { accessKeyId: running.accessKeyId, secretAccessKey: running.secretAccessKey, sessionToken: SESSION_TOKEN },
      });

      const connection = await connectWithToken(running, USER, token);
      await connection.end();

      expect(token).toContain('X-Amz-Security-Token=');
    });
  });
});
