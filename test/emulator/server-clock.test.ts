import { readFile } from 'node:fs/promises';
import type { RunningEmulator } from '../../lib/emulator';
import { connectAsAdmin, connectWithToken, createIamUser, describeEachEngine, mintToken, useEmulator } from '../support/emulator';
import { serverClockEnvironment } from '../support/server-clock';

const USER = 'app_clock';

describeEachEngine('server clock', (engine) => {
  const serverAhead = useEmulator({ engine, serverEnvironment: serverClockEnvironment({ offset: '+20m' }) });
  const serverBehind = useEmulator({ engine, serverEnvironment: serverClockEnvironment({ offset: '-10m' }) });
  const serverSlightlyBehind = useEmulator({ engine, serverEnvironment: serverClockEnvironment({ offset: '-2m' }) });

  beforeAll(async () => {
    for (const running of [serverAhead(), serverBehind(), serverSlightlyBehind()]) {
      const admin = await connectAsAdmin(running);
      await createIamUser(admin, USER);
      await admin.end();
    }
  });

  async function refusalReason(running: RunningEmulator): Promise<string> {
    const token = await mintToken(running, USER);
    const before = (await readFile(running.errorLogFile)).length;
    await expect(connectWithToken(running, USER, token)).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
    return (await readFile(running.errorLogFile)).subarray(before).toString('utf8');
  }

  describe("the plugin judges a token's age by the server's clock", () => {
    it('refuses a token signed just now when the server clock is 20 minutes ahead: to the server it expired', async () => {
      await expect(refusalReason(serverAhead())).resolves.toContain('the token expired at');
    });

    it('refuses a token signed just now when the server clock is 10 minutes behind: it is dated too far in the future', async () => {
      await expect(refusalReason(serverBehind())).resolves.toContain("more than 300 s ahead of this server's clock");
    });

    it('accepts a token dated 2 minutes ahead of the server clock: within the allowed skew', async () => {
      const connection = await connectWithToken(serverSlightlyBehind(), USER, await mintToken(serverSlightlyBehind(), USER));
      const [rows] = await connection.query('SELECT CURRENT_USER() AS user');
      await connection.end();

      expect(rows).toEqual([{ user: `${USER}@%` }]);
    });
  });
});
