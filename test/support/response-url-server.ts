import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCertificates } from '../../lib/emulator/test-certificates';
import { responseUrl } from './aws-shaped-values';

/** What CloudFormation received on one pre-signed ResponseURL: the raw body, as its parser would see it. */
export interface ReceivedResponse {
  readonly requestId: string;
  readonly body: string;
  readonly contentType: string | undefined;
}

/**
 * A stand-in for the S3 bucket behind CloudFormation's pre-signed ResponseURLs: HTTPS on loopback with a throwaway
 * CA, recording every PUT. `trustInProcess()` makes this process's default HTTPS agent trust it, the way a Lambda
 * started with NODE_EXTRA_CA_CERTS would.
 */
export interface ResponseUrlServer {
  readonly caPem: string;
  readonly received: ReceivedResponse[];
  /** A ResponseURL shaped like CloudFormation's, for one request. */
  urlFor(requestId: string): string;
  /** The parsed body PUT for a request (the last one when it was answered more than once). */
  responseTo(requestId: string): Record<string, unknown> | undefined;
  trustInProcess(): void;
  stop(): Promise<void>;
}

export async function startResponseUrlServer(): Promise<ResponseUrlServer> {
  const directory = await mkdtemp(join(tmpdir(), 'rds-iam-response-url-'));
  const certificates = await createTestCertificates(directory, ['localhost']);
  const [cert, key] = await Promise.all([readFile(certificates.certificateFile, 'utf8'), readFile(certificates.keyFile, 'utf8')]);
  const received: ReceivedResponse[] = [];
  const server = https.createServer({ cert, key }, (request, answer) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const key = decodeURIComponent(new URL(request.url ?? '/', 'https://localhost').pathname.slice(1));
      received.push({ requestId: key.split('|').pop() ?? '', body: Buffer.concat(chunks).toString('utf8'), contentType: request.headers['content-type'] });
      answer.writeHead(request.method === 'PUT' ? 200 : 405).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://localhost:${(server.address() as AddressInfo).port}`;
  const previousCa = https.globalAgent.options.ca;
  return {
    caPem: certificates.caPem,
    received,
    urlFor: (requestId) => responseUrl(origin, requestId),
    responseTo: (requestId) => {
      const last = received.filter((response) => response.requestId === requestId).pop();
      return last === undefined ? undefined : (JSON.parse(last.body) as Record<string, unknown>);
    },
    trustInProcess: () => {
      https.globalAgent.options.ca = certificates.caPem;
    },
    stop: async () => {
      https.globalAgent.options.ca = previousCa;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
