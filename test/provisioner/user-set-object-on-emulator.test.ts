import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { encodeUserSpecs } from '../../lib/contracts/provisioner/provisioner-properties';
import { userSetDigest, userSetObjectKey, type UserSetObject } from '../../lib/contracts/provisioner/user-set-object';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { ASSET_BUCKET } from '../support/aws-shaped-values';
import { describeEachEngine } from '../support/emulator';
import { logEntries, PHYSICAL_ID, ProvisionerFixture, startProvisionerFixture, user } from './provisioner-fixture';

/**
 * A user set kept in an S3 object (`UsersObject`) rather than in the properties: the handler reads it from S3
 * (answered by aws-sdk-client-mock as S3 answers), checks its SHA-256, and converges the emulator's database from it
 * exactly as from an inline set. When the object cannot be read, the event fails naming the object and the fix, and
 * the database is left as it was.
 */

/** S3 answered in process; made per engine, as each engine's suite restores its own. */
const mockS3 = () => mockClient(S3Client);

/** An object key as CDK names a file asset: the asset hash and the file's extension. */
const assetKey = (seed: string): string => userSetObjectKey(createHash('sha256').update(seed).digest('hex'));

describeEachEngine('a user set kept in an S3 object', (engine) => {
  let fixture: ProvisionerFixture;
  let s3: ReturnType<typeof mockS3>;
  /** The bucket's objects by key, as `cdk deploy` published them. */
  const published = new Map<string, string>();
  /** An error S3 answers the next GetObject with, once. */
  let nextFailure: Error | undefined;

  /** Publishes a set as the construct does and returns the properties that name it. */
  function publish(users: readonly DatabaseUserSpec[], seed: string): { object: UserSetObject; properties: Record<string, unknown> } {
    const encoded = encodeUserSpecs(users);
    const object = { Bucket: ASSET_BUCKET, Key: assetKey(seed), Sha256: userSetDigest(encoded) };
    published.set(object.Key, encoded);
    const { Users: _inline, ...rest } = fixture.properties([]);
    return { object, properties: { ...rest, UsersObject: object } };
  }

  async function liveUsers(): Promise<string[]> {
    const [rows] = await fixture.admin.query<{ name: string }[] & import('mysql2').RowDataPacket[]>(
      "SELECT user AS name FROM mysql.user WHERE user LIKE 'obj\\_%' ORDER BY user",
    );
    return rows.map((row) => row.name);
  }

  beforeAll(async () => {
    fixture = await startProvisionerFixture(engine);
    s3 = mockS3();
    await fixture.admin.query('CREATE DATABASE IF NOT EXISTS app');
    s3.on(GetObjectCommand).callsFake(async (input: { Bucket: string; Key: string }) => {
      const failure = nextFailure;
      nextFailure = undefined;
      if (failure !== undefined) throw failure;
      const text = input.Bucket === ASSET_BUCKET ? published.get(input.Key) : undefined;
      if (text === undefined) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $fault: 'client' });
      return { ContentLength: Buffer.byteLength(text), Body: { transformToString: async () => text } as never };
    });
  }, 120_000);

  afterAll(async () => {
    s3?.restore();
    await fixture?.stop();
  });

  const reader = user('obj_reader', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] });
  const writer = user('obj_writer', { grants: [{ on: 'app.*', privileges: ['INSERT', 'SELECT'] }] });

  it('creates the users the object names, who then log in with IAM tokens over TLS', async () => {
    const { object, properties } = publish([reader, writer], 'create');

    const response = await fixture.sendRaw({ RequestType: 'Create', ResourceProperties: properties });

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: { created: 2 } });
    expect(await liveUsers()).toEqual(['obj_reader', 'obj_writer']);
    expect(await fixture.attempt('obj_reader', 'SELECT 1 FROM information_schema.tables LIMIT 1')).toBe('allowed');
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toContainEqual({ Bucket: ASSET_BUCKET, Key: object.Key });
  });

  it('converges an Update from the set deployed inline to one that outgrew the properties, reading only the new object', async () => {
    const { properties } = publish([reader], 'grown');
    const callsBefore = s3.commandCalls(GetObjectCommand).length;

    const response = await fixture.sendRaw({
      RequestType: 'Update',
      PhysicalResourceId: PHYSICAL_ID,
      ResourceProperties: properties,
      OldResourceProperties: fixture.properties([reader, writer]),
    });

    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: { dropped: 1 } });
    expect(await liveUsers()).toEqual(['obj_reader']);
    expect(s3.commandCalls(GetObjectCommand).length - callsBefore).toBe(1);
  });

  it('fails an Update whose old object is gone, naming it and the fix, and changes nothing', async () => {
    const { properties } = publish([reader, writer], 'after-gc');
    const old = { ...properties, UsersObject: { Bucket: ASSET_BUCKET, Key: assetKey('collected'), Sha256: userSetDigest('[]') } };
    const logMark = fixture.logLines.length;

    const response = await fixture.sendRaw({ RequestType: 'Update', PhysicalResourceId: PHYSICAL_ID, ResourceProperties: properties, OldResourceProperties: old });

    expect(response.Status).toBe('FAILED');
    expect(response.PhysicalResourceId).toBe(PHYSICAL_ID);
    expect(response.Reason).toContain(`could not read the user set object s3://${ASSET_BUCKET}/${assetKey('collected')}`);
    expect(response.Reason).toMatch(/the object is gone .*cdk gc.*deploy again with `cdk deploy`.*\[RDS_IAM_USER_SET_OBJECT_UNAVAILABLE\]$/);
    expect(await liveUsers()).toEqual(['obj_reader']);
    expect(logEntries(fixture.logLines.slice(logMark)).filter((entry) => entry.event === 'statement')).toEqual([]);
  });

  it('refuses an object whose content is not the set the template names (another SHA-256), and changes nothing', async () => {
    const { object, properties } = publish([reader, writer], 'replaced');
    published.set(object.Key, encodeUserSpecs([reader, writer, user('obj_intruder', { grants: [{ on: 'app.*', privileges: ['SELECT'] }] })]));

    const response = await fixture.sendRaw({ RequestType: 'Update', PhysicalResourceId: PHYSICAL_ID, ResourceProperties: properties, OldResourceProperties: fixture.properties([reader]) });

    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/has SHA-256 [0-9a-f]{12}…, not the [0-9a-f]{12}… the template names: it was replaced after synth/);
    expect(await liveUsers()).toEqual(['obj_reader']);
  });

  it('names S3 and the missing route when S3 does not answer, and when the role may not read the object', async () => {
    const { properties } = publish([reader, writer], 'unreachable');
    nextFailure = Object.assign(new Error('Connection timed out after 3000 ms'), { name: 'TimeoutError' });

    const timedOut = await fixture.sendRaw({ RequestType: 'Update', PhysicalResourceId: PHYSICAL_ID, ResourceProperties: properties, OldResourceProperties: fixture.properties([reader]) });
    nextFailure = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $fault: 'client' });
    const denied = await fixture.sendRaw({ RequestType: 'Update', PhysicalResourceId: PHYSICAL_ID, ResourceProperties: properties, OldResourceProperties: fixture.properties([reader]) });

    expect(timedOut.Reason).toMatch(/S3 did not answer within 5s \(3 attempts\).*add an S3 gateway endpoint/);
    expect(denied.Reason).toMatch(/needs s3:GetObject on the object/);
    expect(await liveUsers()).toEqual(['obj_reader']);
  });

  it('drops the object-kept users on Delete', async () => {
    const { properties } = publish([reader], 'delete');

    const response = await fixture.sendRaw({ RequestType: 'Delete', PhysicalResourceId: PHYSICAL_ID, ResourceProperties: properties });

    expect(response).toMatchObject({ Status: 'SUCCESS', Data: { dropped: 1 } });
    expect(await liveUsers()).toEqual([]);
  });
});
