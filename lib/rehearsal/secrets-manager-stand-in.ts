import type { IncomingMessage, ServerResponse } from 'node:http';
import { acceptSignedRequest, writeJson, writeJsonError } from './aws-request';
import { startLoopbackServer, type LoopbackServer } from './loopback-server';

/**
 * How the stand-in misbehaves: `refused` (nothing listens: connections are refused), `silent` (accepts the
 * connection, never answers), `slow` (answers after `delayMs`), `denied` (AccessDeniedException), `not-found`
 * (ResourceNotFoundException), or `none`.
 */
export type SecretsManagerFault =
  | { readonly kind: 'none' }
  | { readonly kind: 'refused' }
  | { readonly kind: 'silent' }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'denied' }
  | { readonly kind: 'not-found' };

/** One GetSecretValue call as the stand-in saw it. */
export interface SecretRequest {
  readonly action: string;
  readonly secretId: string;
  readonly at: number;
}

/**
 * Secrets Manager's `GetSecretValue` on a loopback port (the SDK reaches it through AWS_ENDPOINT_URL_SECRETS_MANAGER),
 * answering for the secrets the rehearsal put, by full ARN or name, as the real service does.
 */
export class SecretsManagerStandIn {
  private readonly secrets = new Map<string, { readonly arn: string; secretString: string; readonly versionId: string }>();
  private fault: SecretsManagerFault = { kind: 'none' };
  private server: LoopbackServer | undefined;
  private port = 0;
  readonly requests: SecretRequest[] = [];

  private constructor(private readonly region: string) {}

  static async start(region: string): Promise<SecretsManagerStandIn> {
    const standIn = new SecretsManagerStandIn(region);
    await standIn.listen();
    return standIn;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stores a secret's current value under its ARN (and its name, the ARN without the 6-character suffix). */
  putSecret(arn: string, secretString: string): void {
    this.secrets.set(arn, { arn, secretString, versionId: crypto.randomUUID() });
  }

  async setFault(fault: SecretsManagerFault): Promise<void> {
    const wasRefusing = this.fault.kind === 'refused';
    this.fault = fault;
    if (fault.kind === 'refused' && !wasRefusing) {
      await this.server?.close();
      this.server = undefined;
    } else if (fault.kind !== 'refused' && wasRefusing) {
      await this.listen();
    }
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }

  private async listen(): Promise<void> {
    this.server = await startLoopbackServer((request, body, response) => this.handle(request, body, response), { port: this.port });
    this.port = this.server.port;
  }

  private async handle(request: IncomingMessage, body: Buffer, response: ServerResponse): Promise<void> {
    const action = String(request.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
    const input = JSON.parse(body.toString('utf8') || '{}') as { SecretId?: string };
    const secretId = String(input.SecretId ?? '');
    this.requests.push({ action, secretId, at: Date.now() });
    if (this.fault.kind === 'silent') return; // The connection stays open and nothing is ever written.
    if (this.fault.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, (this.fault as { delayMs: number }).delayMs));
    if (!acceptSignedRequest(request, response, { region: this.region, service: 'secretsmanager' }, writeJsonError)) return;
    if (action !== 'GetSecretValue' && action !== 'DescribeSecret') {
      writeJsonError(response, 400, 'UnknownOperationException', `the rehearsal's Secrets Manager does not model ${action.slice(0, 64)}`);
      return;
    }
    if (this.fault.kind === 'denied') {
      writeJsonError(
        response,
        400,
        'AccessDeniedException',
        `User: arn:aws:sts::000000000000:assumed-role/rehearsal/function is not authorized to perform: secretsmanager:${action} on resource: ${secretId} because no identity-based policy allows the secretsmanager:${action} action`,
      );
      return;
    }
    const secret = this.find(secretId);
    if (secret === undefined || this.fault.kind === 'not-found') {
      writeJsonError(response, 400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      return;
    }
    const name = secretName(secret.arn);
    if (action === 'DescribeSecret') {
      writeJson(response, { ARN: secret.arn, Name: name });
      return;
    }
    writeJson(response, {
      ARN: secret.arn,
      Name: name,
      VersionId: secret.versionId,
      SecretString: secret.secretString,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: Math.floor(Date.now() / 1000),
    });
  }

  private find(secretId: string): { arn: string; secretString: string; versionId: string } | undefined {
    const byArn = this.secrets.get(secretId);
    if (byArn !== undefined) return byArn;
    return [...this.secrets.values()].find((secret) => secretName(secret.arn) === secretId);
  }
}

/** The secret's name: its ARN's resource part without the `-AbCdEf` suffix Secrets Manager appends. */
function secretName(arn: string): string {
  return arn.slice(arn.indexOf(':secret:') + ':secret:'.length, -7);
}
