import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REDACTED_TOKEN } from '../client/auth-token-format';

/**
 * The interactive `mysql` / `mariadb` command line for an IAM login. The token travels in `MYSQL_PWD` (read by both
 * clients), never in argv, where `ps` and shell history would show it.
 */

/** Oracle's `mysql` and MariaDB's `mariadb` spell their TLS and cleartext flags differently. */
export type ClientFlavor = 'mysql' | 'mariadb';

/** What the client is told. */
export interface ClientCommandInput {
  readonly program: string;
  readonly flavor: ClientFlavor;
  /** Where to connect: the endpoint, or a tunnel's address with `viaTunnel`. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database?: string;
  readonly caFile: string;
  /**
   * The connection goes through a tunnel or IP, so the certificate cannot name `host`: verify the CA chain only.
   * @default false
   */
  readonly viaTunnel?: boolean;
}

/** A program and its arguments, free of secrets. */
export interface ClientCommand {
  readonly program: string;
  readonly args: readonly string[];
}

/** The environment variable both clients read the password from. */
export const PASSWORD_VARIABLE = 'MYSQL_PWD';

/**
 * Builds the argv. MariaDB's client verifies the chain whenever `--ssl-ca` is given and the host name with
 * `--ssl-verify-server-cert`, and sends cleartext passwords without being asked. Oracle's needs
 * `--ssl-mode=VERIFY_IDENTITY` (or `VERIFY_CA`) and `--enable-cleartext-plugin`.
 */
export function buildClientCommand(input: ClientCommandInput): ClientCommand {
  const common = [`--host=${input.host}`, `--port=${input.port}`, `--user=${input.user}`, '--protocol=TCP', `--ssl-ca=${input.caFile}`];
  const tls =
    input.flavor === 'mariadb'
      ? input.viaTunnel
        ? []
        : ['--ssl-verify-server-cert']
      : [`--ssl-mode=${input.viaTunnel ? 'VERIFY_CA' : 'VERIFY_IDENTITY'}`, '--enable-cleartext-plugin'];
  const database = input.database === undefined ? [] : [`--database=${input.database}`];
  return { program: input.program, args: [...common, ...tls, ...database] };
}

/** Tells Oracle's client from MariaDB's by its `--version` (on Debian, `mysql` is MariaDB's client). */
export async function detectClientFlavor(program: string): Promise<ClientFlavor | undefined> {
  try {
    const { stdout } = await promisify(execFile)(program, ['--version'], { timeout: 10_000 });
    return /mariadb/i.test(stdout) ? 'mariadb' : 'mysql';
  } catch {
    return undefined;
  }
}

/** The first client installed, preferring `mariadb` (whose cleartext handling needs no extra flag). */
export async function findInstalledClient(): Promise<{ program: string; flavor: ClientFlavor } | undefined> {
  for (const program of ['mariadb', 'mysql']) {
    const flavor = await detectClientFlavor(program);
    if (flavor !== undefined) return { program, flavor };
  }
  return undefined;
}

/** The command as one shell line, with the token shown redacted in the environment assignment. */
export function formatClientCommand(command: ClientCommand): string {
  return [`${PASSWORD_VARIABLE}='${REDACTED_TOKEN}'`, ...[command.program, ...command.args].map(shellQuote)].join(' ');
}

function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
