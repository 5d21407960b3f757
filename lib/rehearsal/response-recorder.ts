import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCertificates } from '../emulator/test-certificates';
import { startLoopbackServer, type LoopbackServer } from './loopback-server';

/** One PUT to a ResponseURL, as S3 would have stored it. */
export interface RecordedResponse {
  readonly method: string;
  readonly body: Buffer;
  readonly at: number;
}

/** The port S3 listens on: CloudFormation's ResponseURL names none, and the Provider framework sends to that port. */
const HTTPS_PORT = 443;

/**
 * CloudFormation's pre-signed S3 ResponseURLs, served over HTTPS on a loopback address of its own (127.x.y.z) with a
 * throwaway CA that the Lambda processes trust through NODE_EXTRA_CA_CERTS. It listens on port 443 as S3 does when
 * the process may bind it; otherwise on a free port, and `route` names the address the Lambda shim must send
 * port-443 connections for this host to.
 */
export class ResponseRecorder {
  private readonly responses = new Map<string, RecordedResponse[]>();
  private readonly waiters = new Map<string, (() => void)[]>();

  private constructor(
    private readonly server: LoopbackServer,
    private readonly directory: string,
    readonly caFile: string,
  ) {}

  /** @param options.httpsPort false to skip port 443 (as a process without the right to bind it would) */
  static async start(options: { readonly httpsPort?: boolean } = {}): Promise<ResponseRecorder> {
    const host = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    const directory = await mkdtemp(join(tmpdir(), 'rds-iam-rehearsal-s3-'));
    try {
      const certificates = await createTestCertificates(directory, [host]);
      const tls = { cert: await readFile(certificates.certificateFile, 'utf8'), key: await readFile(certificates.keyFile, 'utf8') };
      let recorder: ResponseRecorder | undefined;
      const listener = (request: import('node:http').IncomingMessage, body: Buffer, response: import('node:http').ServerResponse): void =>
        recorder?.record(request, body, response);
      const anyPort = (): Promise<LoopbackServer> => startLoopbackServer(listener, { host, tls });
      const server = options.httpsPort === false ? await anyPort() : await startLoopbackServer(listener, { host, port: HTTPS_PORT, tls }).catch(anyPort);
      recorder = new ResponseRecorder(server, directory, certificates.caFile);
      return recorder;
    } catch (error) {
      await rm(directory, { recursive: true, force: true });
      throw error;
    }
  }

  get host(): string {
    return this.server.host;
  }

  /** `host:port` to send this host's port-443 connections to, when the recorder could not bind port 443. */
  get route(): string | undefined {
    return this.server.port === HTTPS_PORT ? undefined : `${this.server.host}:${HTTPS_PORT}=${this.server.host}:${this.server.port}`;
  }

  /**
   * A pre-signed URL shaped as CloudFormation's: the object key is `<stack id>|<logical id>|<request id>`, the query
   * a SigV4 pre-signature valid for two hours (its signature is random: nothing verifies it).
   */
  responseUrl(stackId: string, logicalId: string, requestId: string, region: string): { url: string; key: string; signature: string } {
    const key = `/${encodeURIComponent(`${stackId}|${logicalId}|${requestId}`)}`;
    const signature = randomBytes(32).toString('hex');
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Date': date,
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Expires': '7200',
      'X-Amz-Credential': `AKIA${randomBytes(8).toString('hex').toUpperCase().slice(0, 16)}/${date.slice(0, 8)}/${region}/s3/aws4_request`,
      'X-Amz-Signature': signature,
    });
    return { url: `https://${this.host}${key}?${query.toString()}`, key, signature };
  }

  /** Every PUT to `key` so far, oldest first. */
  responsesFor(key: string): readonly RecordedResponse[] {
    return this.responses.get(key) ?? [];
  }

  /** Resolves at the first PUT to `key` (at once if there is one), or after `timeoutMs`. */
  waitFor(key: string, timeoutMs: number): Promise<void> {
    if (this.responsesFor(key).length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const list = this.waiters.get(key) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.waiters.set(key, list);
    });
  }

  async close(): Promise<void> {
    await this.server.close();
    await rm(this.directory, { recursive: true, force: true });
  }

  private record(request: import('node:http').IncomingMessage, body: Buffer, response: import('node:http').ServerResponse): void {
    const key = (request.url ?? '').split('?')[0];
    if (request.method !== 'PUT') {
      response.writeHead(405, { 'content-type': 'application/xml' });
      response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>MethodNotAllowed</Code></Error>');
      return;
    }
    const list = this.responses.get(key) ?? [];
    list.push({ method: request.method, body, at: Date.now() });
    this.responses.set(key, list);
    response.writeHead(200, { etag: `"${randomBytes(16).toString('hex')}"` });
    response.end();
    for (const wake of this.waiters.get(key) ?? []) wake();
    this.waiters.delete(key);
  }
}
