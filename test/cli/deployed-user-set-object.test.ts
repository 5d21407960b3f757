/**
 * The deployed user set of a stack whose set travels in an S3 object (`UsersObject`): `plan` and `apply` read it
 * from S3, as the provisioner Lambda reads it at the next deploy, and from the assets beside a template file.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, type GetObjectCommandOutput, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import type { CliContext } from '../../lib/cli/cli-context';
import type { DeclaredDatabase } from '../../lib/cli/declared-database';
import { readDeployedUserSet } from '../../lib/cli/deployed-user-set';
import { decodeUserSpecs } from '../../lib/contracts/provisioner/provisioner-properties';
import { longNamedUsers } from '../support/long-named-users';
import { SCALE_STACK, scaleTemplateBody, useScaleAssembly, userSetAssetFile } from '../support/scale-assembly';

const USERS = 1200;
const cdkOut = useScaleAssembly(USERS);
const cloudFormation = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const DECLARED: DeclaredDatabase = { label: `stack ${SCALE_STACK}`, stackName: SCALE_STACK, region: 'eu-west-1', account: '111111111111', users: [] };

function context(): CliContext {
  return {
    stdout: { write: () => true },
    stderr: { write: () => true },
    env: {},
    createRdsClient: () => Promise.reject(new Error('not used')),
    createSecretsManagerClient: () => Promise.reject(new Error('not used')),
    createCloudFormationClient: async (region) => new CloudFormationClient({ region }),
    createS3Client: async (region) => new S3Client({ region }),
    untilInterrupted: () => new Promise(() => undefined),
  };
}

/** A GetObject body as the SDK returns it: a stream with the SDK's transform helpers. */
function objectBody(text: string): GetObjectCommandOutput['Body'] {
  return Object.assign(Readable.from([Buffer.from(text)]), {
    transformToString: async () => text,
    transformToByteArray: async () => new Uint8Array(Buffer.from(text)),
    transformToWebStream: () => Readable.toWeb(Readable.from([Buffer.from(text)])) as ReadableStream,
  });
}

/** The template with its UsersObject's bucket as an environment-agnostic stack writes it. */
function agnosticTemplateBody(body: string): string {
  return body.replace(/"cdk-hnb659fds-assets-111111111111-eu-west-1"/g, '{"Fn::Sub":"cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"}');
}

beforeEach(() => {
  cloudFormation.reset();
  s3.reset();
});

describe('the deployed user set kept in an S3 object', () => {
  it('is read from S3 with GetObject on the object the deployed template names, and decoded like an inline set', async () => {
    // Prepare
    cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: scaleTemplateBody(cdkOut()) });
    s3.on(GetObjectCommand).resolves({ Body: objectBody(readFileSync(userSetAssetFile(cdkOut()), 'utf8')) });

    // Act
    const deployed = await readDeployedUserSet(DECLARED, { deployedState: { kind: 'cloudformation' } }, context());

    // Assess
    expect(deployed.users.map((user) => user.username)).toEqual(longNamedUsers(USERS).map((user) => user.username).sort());
    expect(deployed.description).toBe(`deployed state: ${USERS} user(s) in stack ${SCALE_STACK} (eu-west-1), resource ${logicalIdOfUsers()}, read from its S3 object (UsersObject)`);
    const [call] = s3.commandCalls(GetObjectCommand);
    expect(call.args[0].input).toEqual({ Bucket: 'cdk-hnb659fds-assets-111111111111-eu-west-1', Key: expect.stringMatching(/^[0-9a-f]{64}\.rds-iam-user-set$/) });
  });

  it("resolves an environment-agnostic stack's bootstrap bucket with the account of the deployed stack", async () => {
    cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: agnosticTemplateBody(scaleTemplateBody(cdkOut())) });
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: SCALE_STACK, StackId: `arn:aws:cloudformation:eu-west-1:444455556666:stack/${SCALE_STACK}/5b3c2a10-8f4e-11ef-9a6b-0a1b2c3d4e5f`, CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE' }],
    });
    s3.on(GetObjectCommand).resolves({ Body: objectBody(readFileSync(userSetAssetFile(cdkOut()), 'utf8')) });

    const deployed = await readDeployedUserSet({ ...DECLARED, account: undefined }, { deployedState: { kind: 'cloudformation' } }, context());

    expect(deployed.users).toHaveLength(USERS);
    expect(s3.commandCalls(GetObjectCommand)[0].args[0].input.Bucket).toBe('cdk-hnb659fds-assets-444455556666-eu-west-1');
  });

  it('names s3:GetObject on the object, and the way round it, when S3 denies the read', async () => {
    cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: scaleTemplateBody(cdkOut()) });
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' }));

    const reading = readDeployedUserSet(DECLARED, { deployedState: { kind: 'cloudformation' } }, context());

    await expect(reading).rejects.toMatchObject({
      code: 'RDS_IAM_CLI_DEPLOYED_STATE_ACCESS_DENIED',
      message: expect.stringMatching(/allow s3:GetObject on arn:aws:s3:::cdk-hnb659fds-assets-111111111111-eu-west-1\/[0-9a-f]{64}\.rds-iam-user-set .*--deployed-state none/),
    });
  });

  it('refuses an object whose content is not the set the template names (SHA-256), instead of planning from it', async () => {
    cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: scaleTemplateBody(cdkOut()) });
    const replaced = JSON.stringify(JSON.parse(readFileSync(userSetAssetFile(cdkOut()), 'utf8')).slice(1));
    s3.on(GetObjectCommand).resolves({ Body: objectBody(replaced) });

    await expect(readDeployedUserSet(DECLARED, { deployedState: { kind: 'cloudformation' } }, context())).rejects.toThrow(/has SHA-256 [0-9a-f]{12}…, not the [0-9a-f]{12}… the template names/);
  });

  it('reads a template file with the assets manifest beside it, and tells to give the cloud assembly when there is none', async () => {
    // Prepare: the template alone in another directory.
    const alone = mkdtempSync(join(tmpdir(), 'rds-iam-template-alone-'));
    try {
      copyFileSync(join(cdkOut(), `${SCALE_STACK}.template.json`), join(alone, `${SCALE_STACK}.template.json`));

      // Act
      const beside = await readDeployedUserSet(DECLARED, { deployedState: { kind: 'file', path: join(cdkOut(), `${SCALE_STACK}.template.json`) } }, context());
      const reading = readDeployedUserSet(DECLARED, { deployedState: { kind: 'file', path: join(alone, `${SCALE_STACK}.template.json`) } }, context());

      // Assess
      expect(beside.users).toEqual(decodeUserSpecs(readFileSync(userSetAssetFile(cdkOut()), 'utf8')));
      await expect(reading).rejects.toThrow(/keeps its user set in an S3 object .*no RdsIamMysql-dev\.assets\.json beside the template.*Fix: give the cloud assembly instead of the template file \(--app cdk\.out/);
      expect(s3.calls()).toHaveLength(0);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });
});

function logicalIdOfUsers(): string {
  const template = JSON.parse(scaleTemplateBody(cdkOut())) as { Resources: Record<string, { Type: string }> };
  return Object.entries(template.Resources).find(([, resource]) => resource.Type === 'Custom::RdsIamDatabaseUsers')?.[0] ?? '';
}
