import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { encodeUserSpecs } from '../../lib/contracts/provisioner/provisioner-properties';
import { MAX_USER_SET_OBJECT_BYTES, userSetDigest } from '../../lib/contracts/provisioner/user-set-object';
import { readUserSetObject, UserSetObjectError } from '../../lib/provisioning/user-set-object-reader';
import { ASSET_BUCKET } from '../support/aws-shaped-values';
import { userSpec } from '../support/user-specs';

/** The S3 edge of a user set kept in an object, with S3 answered by aws-sdk-client-mock. */

const encoded = encodeUserSpecs([userSpec('app_reader', { grants: [{ on: 'orders.*', privileges: ['SELECT'] }] })]);
const object = { Bucket: ASSET_BUCKET, Key: `${'c3'.repeat(32)}.json`, Sha256: userSetDigest(encoded) };
const s3 = mockClient(S3Client);
let bodyRead = false;

afterEach(() => {
  s3.reset();
  bodyRead = false;
});
afterAll(() => s3.restore());

function answer(text: string, contentLength = Buffer.byteLength(text)): void {
  s3.on(GetObjectCommand, { Bucket: object.Bucket, Key: object.Key }).resolves({
    ContentLength: contentLength,
    Body: {
      transformToString: async () => {
        bodyRead = true;
        return text;
      },
      transformToWebStream: () => new ReadableStream(),
    } as never,
  });
}

describe('readUserSetObject', () => {
  it('returns the text of the object the template names', async () => {
    answer(encoded);
    await expect(readUserSetObject(object, new S3Client({ region: 'eu-west-1' }))).resolves.toBe(encoded);
  });

  it('refuses an object larger than any user set without reading its body', async () => {
    answer(encoded, MAX_USER_SET_OBJECT_BYTES + 1);

    const error = await readUserSetObject(object, new S3Client({ region: 'eu-west-1' })).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UserSetObjectError);
    expect((error as UserSetObjectError).failure).toBe('too-large');
    expect((error as UserSetObjectError).message).toMatch(/is 16777217 bytes, more than the 16777216 a user set can take/);
    expect(bodyRead).toBe(false);
  });

  it('classifies a missing bucket as gone, with the way to publish it again', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' }));

    const error = (await readUserSetObject(object, new S3Client({ region: 'eu-west-1' })).catch((caught: unknown) => caught)) as UserSetObjectError;

    expect(error.failure).toBe('not-found');
    expect(error.code).toBe('RDS_IAM_USER_SET_OBJECT_UNAVAILABLE');
    expect(error.message).toContain('deploy again with `cdk deploy`');
  });
});
