import { S3Client } from '@aws-sdk/client-s3';
import { userSetDigest } from '../../lib/contracts/provisioner/user-set-object';
import { encodeUserSpecs } from '../../lib/contracts/provisioner/provisioner-properties';
import { readUserSetObject, UserSetObjectError } from '../../lib/provisioning/user-set-object-reader';
import { iamResourceMatches } from '../../lib/rehearsal/role-policy-grants';
import { S3StandIn } from '../../lib/rehearsal/s3-stand-in';
import { longNamedUsers } from '../support/long-named-users';

const BUCKET = 'cdk-hnb659fds-assets-111111111111-eu-west-1';
const KEY = '1f27292150b131de8ad1fd8a94c07b9b866b3e508137f7cd12d6c0cd3fe586a2.rds-iam-user-set';
const ENCODED = encodeUserSpecs(longNamedUsers(50));
const LOCATION = { Bucket: BUCKET, Key: KEY, Sha256: userSetDigest(ENCODED) };
/** What the provisioner's role is granted, as the construct writes it. */
const GRANTED = `arn:aws:s3:::${BUCKET}/${KEY}`;

describe("the rehearsal's S3 stand-in, read by the provisioner's own S3 reader", () => {
  let standIn: S3StandIn;
  let client: S3Client;
  beforeEach(async () => {
    standIn = await S3StandIn.start('eu-west-1', 'aws', (arn) => iamResourceMatches(GRANTED, arn) || iamResourceMatches(`arn:aws:s3:::${BUCKET}/missing-*`, arn));
    standIn.putObject(BUCKET, KEY, ENCODED);
    client = new S3Client({
      region: 'eu-west-1',
      endpoint: standIn.url,
      maxAttempts: 1,
      credentials: { accessKeyId: 'ASIAQ3EGRLZUVEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE' },
    });
  });
  afterEach(async () => {
    client.destroy();
    await standIn.close();
  });

  it('serves a granted object path-style, which the reader takes when its SHA-256 matches', async () => {
    await expect(readUserSetObject(LOCATION, client)).resolves.toBe(ENCODED);
    expect(standIn.reads).toEqual([{ bucket: BUCKET, key: KEY, status: 200, bytes: Buffer.byteLength(ENCODED), at: expect.any(Number) }]);
  });

  it('answers NoSuchKey (404, XML) for a granted key it does not hold', async () => {
    const missing = readUserSetObject({ ...LOCATION, Key: 'missing-0.json' }, client);
    await expect(missing).rejects.toBeInstanceOf(UserSetObjectError);
    await expect(missing).rejects.toMatchObject({ failure: 'not-found', message: expect.stringContaining('NoSuchKey') });
    expect(standIn.reads.map((read) => read.status)).toEqual([404]);
  });

  it('answers AccessDenied (403) for an object the policies do not grant, whether it exists or not', async () => {
    standIn.putObject(BUCKET, 'other.json', ENCODED);

    for (const key of ['other.json', 'absent.json']) {
      await expect(readUserSetObject({ ...LOCATION, Key: key }, client)).rejects.toMatchObject({ failure: 'access-denied', message: expect.stringContaining('AccessDenied') });
    }
    expect(standIn.reads.map((read) => read.status)).toEqual([403, 403]);
  });

  it('refuses a request signed for another region, as S3 does', async () => {
    const elsewhere = new S3Client({ region: 'us-east-1', endpoint: standIn.url, maxAttempts: 1, credentials: { accessKeyId: 'ASIAQ3EGRLZUVEXAMPLE', secretAccessKey: 'x' } });
    try {
      await expect(readUserSetObject(LOCATION, elsewhere)).rejects.toMatchObject({ message: expect.stringContaining('AuthorizationHeaderMalformed') });
    } finally {
      elsewhere.destroy();
    }
  });
});

describe('iamResourceMatches', () => {
  it.each([
    [GRANTED, GRANTED, true],
    [GRANTED, `arn:aws:s3:::${BUCKET}/other.json`, false],
    [`arn:aws:s3:::${BUCKET}/*`, `arn:aws:s3:::${BUCKET}/${KEY}`, true],
    [`arn:aws:s3:::${BUCKET}/*.json`, `arn:aws:s3:::${BUCKET}.evil/${KEY}`, false],
    ['arn:aws:s3:::cdk-?nb659fds-assets-*/*', `arn:aws:s3:::${BUCKET}/${KEY}`, true],
  ])('%s covers %s: %s', (pattern, arn, expected) => {
    expect(iamResourceMatches(pattern, arn)).toBe(expected);
  });
});
