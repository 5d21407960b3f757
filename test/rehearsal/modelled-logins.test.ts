import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rehearseStack } from '../../lib/rehearsal/rehearse-stack';
import { databaseFixture } from '../support/database-fixtures';

/**
 * A stack whose provisioner logs in as an IAM admin user (`adminUser`) is refused before anything starts, naming the
 * provisioner, the admin and what to do instead: the rehearsal models the master secret login only.
 */
describe('rehearsing a stack whose provisioner logs in as an IAM admin user', () => {
  let assembly: string;
  beforeAll(() => {
    assembly = mkdtempSync(join(tmpdir(), 'rds-iam-admin-assembly-'));
    const { app } = databaseFixture({ outdir: assembly, provisioner: { adminUser: { iamUsername: 'users_admin' } } });
    app.synth();
  });
  afterAll(() => rmSync(assembly, { recursive: true, force: true }));

  it('is refused before any emulator or step starts, saying why and what to do', async () => {
    // Act
    const refused = rehearseStack({ assemblyDirectory: assembly, stackName: 'Fixture' });

    // Assess
    await expect(refused).rejects.toMatchObject({
      code: 'RDS_IAM_REHEARSAL_UNSUPPORTED_TEMPLATE',
      message: expect.stringMatching(
        /^stack Fixture: provisioner \w+ logs in as the IAM admin user "users_admin" \(adminUser\), which the rehearsal does not model: .* `rds-iam plan --stack Fixture` against the database/,
      ),
    });
  });
});
