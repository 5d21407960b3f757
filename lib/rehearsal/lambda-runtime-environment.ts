import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AwsValueShapes } from './aws-value-shapes';

/**
 * The modules Lambda's Node.js runtime provides to every function: AWS SDK for JavaScript v3 (`@aws-sdk/*`), and
 * nothing else. A directory of links to this package's installed `@aws-sdk` packages, put on NODE_PATH, so a bundle
 * that needs any other module fails here as it would on Lambda.
 */
export async function runtimeProvidedModules(directory: string): Promise<string> {
  const nodeModules = join(directory, 'node_modules');
  const scope = join(nodeModules, '@aws-sdk');
  await mkdir(scope, { recursive: true });
  const installedScope = dirname(dirname(require.resolve('@aws-sdk/client-secrets-manager/package.json')));
  for (const name of await readdir(installedScope)) {
    const link = join(scope, name);
    if (!existsSync(link)) await symlink(join(installedScope, name), link, 'dir');
  }
  return nodeModules;
}

/** The file the Lambda child processes run: compiled next to this module in `dist/`, else the TypeScript source. */
export function runtimeShimFile(): string {
  const compiled = join(__dirname, 'lambda-runtime-shim.js');
  return existsSync(compiled) ? compiled : join(__dirname, 'lambda-runtime-shim.ts');
}

/** Where each AWS service the functions may call is answered. */
export interface ServiceEndpoints {
  readonly lambda: string;
  readonly stepFunctions: string;
  readonly secretsManager: string;
  readonly rds: string;
  /** S3, for the user sets kept in objects (path-style requests to a loopback IP endpoint). */
  readonly s3: string;
  /** Every other service: refused, so nothing ever reaches AWS. */
  readonly other: string;
}

/**
 * The environment Lambda gives every function, before its own variables: region, the execution role's temporary
 * credentials (fake, shaped like STS's), the time zone, and — the rehearsal's part — the loopback endpoints of each
 * AWS API, the CA of the ResponseURL host, and the database server's CA (RDS_IAM_EXTRA_CA_PEM, which the
 * provisioner trusts besides the Amazon RDS bundle). Nothing of this process's environment leaks in.
 */
export function lambdaBaseEnvironment(options: {
  readonly region: string;
  readonly nodeBinary: string;
  readonly nodePath: string;
  readonly endpoints: ServiceEndpoints;
  readonly responseCaFile: string;
  readonly responseRoute: string | undefined;
  readonly databaseCaPem: string;
  readonly shapes: AwsValueShapes;
  readonly emptyConfigFile: string;
}): Record<string, string> {
  const { shapes, endpoints } = options;
  return {
    PATH: `${dirname(options.nodeBinary)}:/usr/local/bin:/usr/bin:/bin`,
    NODE_PATH: options.nodePath,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_ACCESS_KEY_ID: `ASIA${shapes.characters('access-key', 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    AWS_SECRET_ACCESS_KEY: shapes.characters('secret-key', 40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
    AWS_SESSION_TOKEN: `IQoJb3JpZ2luX2Vj${shapes.characters('session-token', 300, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')}`,
    // No shared config or credentials file: the defaults of the person running the rehearsal must not apply.
    AWS_CONFIG_FILE: options.emptyConfigFile,
    AWS_SHARED_CREDENTIALS_FILE: options.emptyConfigFile,
    AWS_ENDPOINT_URL: endpoints.other,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
    AWS_ENDPOINT_URL_SFN: endpoints.stepFunctions,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
    AWS_ENDPOINT_URL_RDS: endpoints.rds,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    NODE_EXTRA_CA_CERTS: options.responseCaFile,
    RDS_IAM_EXTRA_CA_PEM: options.databaseCaPem,
    ...(options.responseRoute === undefined ? {} : { RDS_IAM_REHEARSAL_ROUTE: options.responseRoute }),
  };
}
