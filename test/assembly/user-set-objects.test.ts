/**
 * A user set kept in an S3 object (`UsersObject`, a file asset of the cloud assembly) reads exactly like one inline
 * (`Users`) for every reader of synthesized templates: the access review (`rds-iam diff`) and the CLI's declared set.
 * The assemblies are synthesized from the real app with the dev stack's users replaced (test/support/scale-app.ts).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDeclaredDatabase } from '../../lib/cli/declared-database';
import { buildAccessModel } from '../../lib/review/build-access-model';
import { compareSynthesizedAccess } from '../../lib/review/compare-synthesized-access';
import { readSynthesizedTemplates } from '../../lib/review/synthesized-templates';
import { templateUserSetObjects } from '../../lib/assembly/user-set-objects';
import { longNamedUsers } from '../support/long-named-users';
import { SCALE_STACK, scaleTemplateBody, useScaleAssembly, userSetAssetFile } from '../support/scale-assembly';

const inline = useScaleAssembly(10);
const inObject = useScaleAssembly(1000);
const inLargerObject = useScaleAssembly(1001);

const sortedNames = (count: number): string[] => longNamedUsers(count).map((user) => user.username).sort();

describe('a user set kept in an S3 object, read from the cloud assembly', () => {
  it('is what the template names: the 10-user set is inline, the 1,000-user one an object', () => {
    expect(templateUserSetObjects(JSON.parse(scaleTemplateBody(inline())))).toEqual([]);
    const [object] = templateUserSetObjects(JSON.parse(scaleTemplateBody(inObject())));
    expect(object).toMatchObject({ Bucket: 'cdk-hnb659fds-assets-111111111111-eu-west-1', Key: expect.stringMatching(/^[0-9a-f]{64}\.rds-iam-user-set$/) });
  });

  it('gives the access review every user with its grants, as an inline set does', async () => {
    // Act
    const [fromObject] = buildAccessModel(await readSynthesizedTemplates(inObject())).stacks;
    const [fromProperties] = buildAccessModel(await readSynthesizedTemplates(inline())).stacks;

    // Assess: the same shape of user either way; the object holds all 1,000.
    const users = fromObject.databases[0].users;
    expect(users.map((user) => user.username)).toEqual(sortedNames(1000));
    const first = (list: typeof users) => list.find((user) => user.username === sortedNames(10)[0]);
    expect(first(users)).toEqual(first(fromProperties.databases[0].users));
    expect(first(users)?.grants).toHaveLength(3);
  });

  it('diffs like an inline set: from inline to an object, and from one object to another', async () => {
    // Act
    const grown = await compareSynthesizedAccess(inline(), inObject());
    const onePlus = await compareSynthesizedAccess(inObject(), inLargerObject());

    // Assess
    const [grownDatabase] = grown.diff.stacks[0].databases;
    expect(grownDatabase.usersAdded.map((user) => user.username)).toEqual(sortedNames(1000).filter((name) => !sortedNames(10).includes(name)));
    expect(grownDatabase.usersDropped).toEqual([]);
    expect(grownDatabase.userChanges).toEqual([]);
    const [database] = onePlus.diff.stacks[0].databases;
    expect(database.usersAdded.map((user) => user.username)).toEqual([longNamedUsers(1001)[1000].username]);
    expect([database.usersDropped, database.userChanges]).toEqual([[], []]);
    expect(onePlus.markdown).toContain(longNamedUsers(1001)[1000].username);
  });

  it("gives the CLI's declared set (--stack from the assembly, --template beside its assets)", async () => {
    const fromStack = await readDeclaredDatabase({ stack: SCALE_STACK, app: inObject() });
    const fromTemplate = await readDeclaredDatabase({ template: join(inObject(), `${SCALE_STACK}.template.json`) });

    expect(fromStack.users.map((user) => user.username).sort()).toEqual(sortedNames(1000));
    expect(fromTemplate.users).toEqual(fromStack.users);
    expect(fromStack.engine).toBe('mysql');
  });

  it('tells to give the cloud assembly when a template file that keeps its set in an object is alone', async () => {
    const alone = mkdtempSync(join(tmpdir(), 'rds-iam-template-alone-'));
    try {
      const file = join(alone, `${SCALE_STACK}.template.json`);
      copyFileSync(join(inObject(), `${SCALE_STACK}.template.json`), file);

      await expect(readSynthesizedTemplates(file)).rejects.toThrow(/no RdsIamMysql-dev\.assets\.json beside the template.*give the cloud assembly instead of the template file/);
      await expect(readDeclaredDatabase({ template: file })).rejects.toMatchObject({ code: 'RDS_IAM_CLI_USAGE', message: expect.stringContaining('--app cdk.out') });
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it('refuses an asset file changed after synth (its SHA-256 is not the one the template names)', async () => {
    // Prepare: a copy of the assembly whose user set file lost its first user.
    const copy = mkdtempSync(join(tmpdir(), 'rds-iam-assembly-copy-'));
    try {
      for (const name of ['manifest.json', `${SCALE_STACK}.template.json`, `${SCALE_STACK}.assets.json`]) copyFileSync(join(inObject(), name), join(copy, name));
      const asset = userSetAssetFile(inObject());
      writeFileSync(join(copy, asset.slice(inObject().length + 1)), JSON.stringify(JSON.parse(readFileSync(asset, 'utf8')).slice(1)));

      await expect(readSynthesizedTemplates(copy)).rejects.toThrow(/the user set object s3:\/\/cdk-hnb659fds-assets-111111111111-eu-west-1\/[0-9a-f]{64}\.rds-iam-user-set has SHA-256/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
