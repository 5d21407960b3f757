import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { credentialScope } from './aws-request';
import { startLoopbackServer, type LoopbackServer } from './loopback-server';

/** One GetObject as the stand-in saw it, and how it answered. */
export interface ObjectRead {
  readonly bucket: string;
  readonly key: string;
  readonly status: number;
  readonly bytes: number;
  readonly at: number;
}

/**
 * S3's `GetObject` on a loopback port (the SDK reaches it through AWS_ENDPOINT_URL_S3, path-style:
 * `GET /<bucket>/<key>?x-id=GetObject`), serving the objects the rehearsal put: the user sets a cloud assembly keeps
 * in file assets, and the edited sets of the lifecycle's Updates. It answers as S3 does: `NoSuchBucket` and
 * `NoSuchKey` (404), and `AccessDenied` (403) when the readers' IAM policies, as the template grants them, do not
 * allow `s3:GetObject` on the object's ARN.
 */
export class S3StandIn {
  private readonly objects = new Map<string, { readonly body: Buffer; readonly etag: string; readonly lastModified: Date }>();
  readonly reads: ObjectRead[] = [];

  private constructor(
    private readonly server: LoopbackServer,
    private readonly region: string,
    private readonly partition: string,
    private readonly mayRead: (objectArn: string) => boolean,
  ) {}

  /** @param mayRead whether the functions' policies allow `s3:GetObject` on an object ARN (`arn:aws:s3:::bucket/key`) */
  static async start(region: string, partition: string, mayRead: (objectArn: string) => boolean): Promise<S3StandIn> {
    let standIn: S3StandIn | undefined;
    const server = await startLoopbackServer((request, _body, response) => standIn?.handle(request, response));
    standIn = new S3StandIn(server, region, partition, mayRead);
    return standIn;
  }

  get url(): string {
    return this.server.url;
  }

  /** Stores an object (as `cdk deploy` publishes a file asset); an object already there keeps its date. */
  putObject(bucket: string, key: string, text: string): void {
    const body = Buffer.from(text, 'utf8');
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    if (this.objects.get(`${bucket}/${key}`)?.etag === etag) return;
    this.objects.set(`${bucket}/${key}`, { body, etag, lastModified: new Date() });
  }

  /** The text of a stored object, or undefined. */
  objectText(bucket: string, key: string): string | undefined {
    return this.objects.get(`${bucket}/${key}`)?.body.toString('utf8');
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://s3.localhost');
    const [bucket = '', ...keyParts] = url.pathname.slice(1).split('/');
    const key = keyParts.map((part) => decodeURIComponent(part)).join('/');
    const answer = (status: number, code: string, message: string): void => {
      this.reads.push({ bucket, key, status, bytes: 0, at: Date.now() });
      writeXmlError(response, status, code, message, key === '' ? bucket : `${bucket}/${key}`);
    };
    const scope = credentialScope(request);
    if (scope === undefined) return answer(403, 'AccessDenied', 'Anonymous users cannot invoke this API. Please authenticate.');
    if (scope.service !== 's3') return answer(403, 'SignatureDoesNotMatch', `the request is signed for ${scope.service}, not s3`);
    if (scope.region !== this.region) {
      return answer(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${scope.region}' is wrong; expecting '${this.region}'`);
    }
    if (request.method !== 'GET' || key === '' || url.searchParams.get('x-id') !== 'GetObject') {
      return answer(501, 'NotImplemented', `the rehearsal's S3 models GetObject only, not ${String(request.method)} ${url.pathname.slice(0, 80)}`);
    }
    // IAM is evaluated before the object is looked up: without s3:ListBucket a missing key is AccessDenied too.
    if (!this.mayRead(`arn:${this.partition}:s3:::${bucket}/${key}`)) {
      return answer(403, 'AccessDenied', `User is not authorized to perform: s3:GetObject on resource: "arn:${this.partition}:s3:::${bucket}/${key.slice(0, 80)}" because no identity-based policy allows the s3:GetObject action`);
    }
    if (![...this.objects.keys()].some((stored) => stored.startsWith(`${bucket}/`))) return answer(404, 'NoSuchBucket', 'The specified bucket does not exist');
    const object = this.objects.get(`${bucket}/${key}`);
    if (object === undefined) return answer(404, 'NoSuchKey', 'The specified key does not exist.');
    this.reads.push({ bucket, key, status: 200, bytes: object.body.length, at: Date.now() });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(object.body.length),
      'etag': object.etag,
      'last-modified': object.lastModified.toUTCString(),
      'accept-ranges': 'bytes',
      'x-amz-server-side-encryption': 'AES256',
      'x-amz-request-id': requestId(),
    });
    response.end(object.body);
  }
}

/** An S3 REST error: XML with the code, the message and the resource, as S3 writes it. */
function writeXmlError(response: ServerResponse, status: number, code: string, message: string, resource: string): void {
  const id = requestId();
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><Resource>/${escapeXml(resource)}</Resource><RequestId>${id}</RequestId>` +
    `<HostId>${randomBytes(48).toString('base64')}</HostId></Error>`;
  response.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': id });
  response.end(body);
}

function requestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
