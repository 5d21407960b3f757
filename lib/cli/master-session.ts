import type { Connection } from 'mysql2/promise';
import { CliFailure, type CliContext } from './cli-context';
import { readCaFlag } from './ca-file';
import type { DeclarationFlags, DeclaredDatabase } from './declared-database';
import { resolveDatabaseTarget, type DatabaseTarget, type DatabaseTargetFlags } from './database-target';

/** Flags of `plan` and `apply`: which database, which declaration, which master credentials. */
export interface MasterSessionFlags extends DatabaseTargetFlags, DeclarationFlags {
  readonly via?: { host: string; port?: number };
  /** Master user name (with `--password-env`, or to override the secret's). */
  readonly adminUser?: string;
  /** Name of the environment variable holding the master password (never the password itself on argv). */
  readonly passwordEnv?: string;
  /** ARN of a Secrets Manager secret with `username` and `password`. */
  readonly secretArn?: string;
  /** Log in as `adminUser` with an IAM token instead of a password. */
  readonly adminIam?: boolean;
  readonly debug?: boolean;
}

/** An open master connection and what the planner needs besides it. */
export interface MasterSession {
  readonly connection: Connection;
  readonly masterUsername: string;
  readonly declared: DeclaredDatabase;
  readonly target: DatabaseTarget;
}

/**
 * Finds the database and the master credentials, then connects with verified TLS through the provisioner's own
 * `connectAsMaster`. Credentials come from `--admin-iam` (an IAM admin user and a token for it), `--password-env` (a
 * server outside AWS, a bastion), else from the secret named by `--secret-arn`, the database's RDS-managed secret or
 * the one the declaration names.
 */
export async function openMasterSession(flags: MasterSessionFlags, context: CliContext, declared: DeclaredDatabase): Promise<MasterSession> {
  const target = await resolveDatabaseTarget(flags, context, declared);
  const credentials = await masterCredentials(flags, target, declared, context);
  const { connectAsMaster } = await import('../provisioning/master-connection');
  const connection = await connectAsMaster({
    host: flags.via?.host ?? target.endpointHost,
    port: flags.via?.port ?? target.endpointPort,
    servername: target.endpointHost,
    user: credentials.username,
    password: credentials.password,
    passwordIsIamToken: credentials.iamToken,
    ca: await readCaFlag(flags.ca),
    retryForMs: 0,
  });
  return { connection, masterUsername: credentials.username, declared, target };
}

async function masterCredentials(
  flags: MasterSessionFlags,
  target: DatabaseTarget,
  declared: DeclaredDatabase,
  context: CliContext,
): Promise<{ username: string; password: string; iamToken: boolean }> {
  // The stack's provisioner logs in as an IAM admin: so do plan and apply, unless told to use a password.
  const declaredAdmin = declared.adminIamUsername !== undefined && flags.passwordEnv === undefined && flags.secretArn === undefined;
  if (flags.adminIam === true || declaredAdmin) return adminIamToken(flags, target, declared);
  if (flags.passwordEnv !== undefined) {
    const password = context.env[flags.passwordEnv];
    if (password === undefined || password === '') {
      throw new CliFailure('RDS_IAM_CLI_NO_MASTER_PASSWORD', `--password-env ${flags.passwordEnv}: that environment variable is not set or empty`);
    }
    const username = flags.adminUser ?? target.masterUsername ?? declared.masterUsername;
    if (username === undefined) {
      throw new CliFailure('RDS_IAM_CLI_NO_MASTER_USER', 'which master user? give --admin-user <name> with --password-env');
    }
    return { username, password, iamToken: false };
  }
  const secretArn = flags.secretArn ?? target.masterUserSecretArn ?? declared.masterSecretArn;
  if (secretArn === undefined) {
    throw new CliFailure(
      'RDS_IAM_CLI_NO_MASTER_CREDENTIALS',
      'no master credentials: the database has no RDS-managed master secret that could be found. Fix: give ' +
        '--secret-arn <arn> (a secret with username and password), or --admin-user <name> --password-env <VARIABLE> ' +
        'with the password in that environment variable.',
    );
  }
  const { readMasterSecret } = await import('../provisioning/master-secret');
  const secret = await readMasterSecret(secretArn, await context.createSecretsManagerClient(target.region, flags.profile));
  return { username: flags.adminUser ?? secret.username, password: secret.password, iamToken: false };
}

/**
 * `--admin-iam`, or a stack whose provisioner logs in as an IAM admin: that user (`--admin-user`, else the stack's),
 * and an IAM token for it signed for the database's endpoint.
 */
async function adminIamToken(
  flags: MasterSessionFlags,
  target: DatabaseTarget,
  declared: DeclaredDatabase,
): Promise<{ username: string; password: string; iamToken: true }> {
  if (flags.passwordEnv !== undefined || flags.secretArn !== undefined) {
    throw new CliFailure('RDS_IAM_CLI_USAGE', '--admin-iam logs in with an IAM token: give it without --password-env and --secret-arn');
  }
  const username = flags.adminUser ?? declared.adminIamUsername;
  if (username === undefined) {
    throw new CliFailure('RDS_IAM_CLI_NO_MASTER_USER', 'which admin user? give --admin-user <name> with --admin-iam (an IAM user that may create users and grant)');
  }
  const { generateAuthToken } = await import('../client/iam-token-provider');
  const token = await generateAuthToken({ hostname: target.endpointHost, port: target.endpointPort, username, region: target.region, profile: flags.profile });
  return { username, password: token, iamToken: true };
}
