import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ProvisionerLogin } from '../../lib/contracts/provisioner/provisioner-login';
import { readMasterSecret } from '../../lib/provisioning/master-secret';

/** What an IAM auth token is signed for: the endpoint the Lambda connects to, and the user. */
export interface AdminTokenRequest {
  readonly hostname: string;
  readonly port: number;
  readonly username: string;
}

/** Signs an IAM auth token with the Lambda's own role credentials (`@aws-sdk/rds-signer`). */
export type SignAdminToken = (request: AdminTokenRequest) => Promise<string>;

/**
 * How the provisioner logs in for one event: a user, and a password for each connection it opens (the master's from
 * its secret, or a token signed just then, so a reconnect late in a long run never sends a stale one). Every secret
 * handed out is kept in `secrets`, for the failure reason and logs to blank out.
 */
export interface DatabaseLogin {
  readonly username: string;
  /** The password is an IAM auth token: the connection enables mysql_clear_password over its verified TLS. */
  readonly passwordIsIamToken: boolean;
  /** How this login is named in logs and progress: `the master user` or `the IAM admin user 'name'`. */
  readonly description: string;
  password(): Promise<string>;
  readonly secrets: readonly string[];
}

export interface DatabaseLoginSources {
  readonly secretsManager: SecretsManagerClient;
  readonly signAdminToken: SignAdminToken;
}

/**
 * Makes the login the properties name. For the master, reads the secret now (a `MasterSecretError` when it cannot);
 * for an IAM admin, reads nothing: its tokens are signed locally, without any AWS request.
 */
export async function openDatabaseLogin(
  login: ProvisionerLogin,
  endpoint: { readonly hostname: string; readonly port: number },
  sources: DatabaseLoginSources,
): Promise<DatabaseLogin> {
  const secrets: string[] = [];
  if (login.kind === 'master-secret') {
    const credentials = await readMasterSecret(login.secretArn, sources.secretsManager);
    secrets.push(credentials.password);
    return {
      username: credentials.username,
      passwordIsIamToken: false,
      description: 'the master user',
      password: () => Promise.resolve(credentials.password),
      secrets,
    };
  }
  const { username } = login;
  return {
    username,
    passwordIsIamToken: true,
    description: `the IAM admin user '${username}'`,
    password: async () => {
      const token = await sources.signAdminToken({ ...endpoint, username });
      secrets.push(token);
      return token;
    },
    secrets,
  };
}
