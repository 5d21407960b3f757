import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { guardSigningHostname } from '../../client/rds-endpoint';
import { CliFailure, type CliContext } from '../cli-context';
import type { DatabaseTarget, DatabaseTargetFlags } from '../database-target';
import { parseHostAndPort, parsePort } from '../flag-parsers';
import type { ClientFlavor } from '../mysql-client-command';
import { runCommand, type CommandResult } from '../run-command';

interface ConnectFlags extends DatabaseTargetFlags {
  readonly username: string;
  readonly database?: string;
  readonly via?: { host: string; port?: number };
  readonly client?: string;
  readonly execute?: string;
  readonly printCommand?: boolean;
  readonly debug?: boolean;
}

/** Where the bytes go and what the token is for, once the target is known. */
interface Route {
  readonly target: DatabaseTarget;
  readonly connectHost: string;
  readonly connectPort: number;
}

/**
 * `rds-iam connect`: log in as an IAM user with the right TLS and cleartext settings, with the token passed in the
 * environment of the `mysql`/`mariadb` client (never in argv), or run one statement through mysql2 with `--execute`.
 */
export function registerConnectCommand(program: Command, context: CliContext, onResult: (code: CommandResult) => void): void {
  program
    .command('connect')
    .summary('log in with an IAM token: open mysql/mariadb, or run --execute SQL')
    .description(
      'Resolve a cluster or instance (through the RDS API: endpoint, port, IAM authentication on?), the database of a ' +
        'synthesized environment stack, or an endpoint, then open the mysql or mariadb client with TLS verified and the token ' +
        'in MYSQL_PWD, or run one statement with --execute and print the rows.',
    )
    .option('--cluster <id>', 'DB cluster identifier (Aurora)')
    .option('--instance <id>', 'DB instance identifier (RDS for MySQL / MariaDB)')
    .option('--env <name>', 'the database of the stack of --app its app named this environment (nameStackEnvironment)')
    .option('--app <dir>', 'the cloud assembly --env is read from', 'cdk.out')
    .option('--proxy [name]', 'an RDS Proxy (through DescribeDBProxies); without a name, the proxy of --env')
    .option('--hostname <endpoint>', 'the endpoint itself; a non-RDS server also needs --ca')
    .option('--port <port>', 'database port (default: from the RDS API, else 3306)', parsePort)
    .option('--reader', "use the cluster's reader endpoint")
    .requiredOption('--username <user>', 'the IAM database user')
    .option('--database <name>', 'default database')
    .option('--via <host[:port]>', 'connect through this address (SSH tunnel, port forward); the token and TLS stay for the endpoint', parseHostAndPort)
    .option('--region <region>', 'region (default: the environment, the endpoint name, AWS_REGION or the profile)')
    .option('--profile <profile>', 'AWS named profile')
    .option('--ca <file>', 'PEM CA file to verify the server with (default: the Amazon RDS bundle)')
    .option('--client <program>', 'client to open (default: mariadb if installed, else mysql)')
    .option('-e, --execute <sql>', 'run this statement through mysql2 and print the result as a table')
    .option('--print-command', 'print the client command (token redacted) instead of running it')
    .option('--debug', 'on failure, also print the underlying causes')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rds-iam connect --cluster orders --username app_rw --database orders\n' +
        '  rds-iam connect --env dev --username reporting_ro --execute "SELECT CURRENT_USER()"\n' +
        '  rds-iam connect --env dev --proxy --username app_rw   # through the environment\'s RDS Proxy\n' +
        '  rds-iam connect --instance shop --username app --via 127.0.0.1:13306   # through an SSH tunnel',
    )
    .action(async (flags: ConnectFlags) => onResult(await runCommand(context, 'connect', flags, () => connect(flags, context))));
}

async function connect(flags: ConnectFlags, context: CliContext): Promise<CommandResult> {
  const { resolveDatabaseTarget } = await import('../database-target');
  const target = await resolveDatabaseTarget(flags, context);
  guardHostname(target, flags);
  const route: Route = {
    target,
    connectHost: flags.via?.host ?? target.endpointHost,
    connectPort: flags.via?.port ?? target.endpointPort,
  };
  if (flags.execute !== undefined) return executeStatement(flags.execute, route, flags, context);
  return openClient(route, flags, context);
}

/** A bare `--hostname` must be an RDS endpoint; tunnels, CNAMEs and IPs are named with `--via`. */
function guardHostname(target: DatabaseTarget, flags: ConnectFlags): void {
  if (target.endpointIsExplicit || flags.via !== undefined) return;
  guardSigningHostname(target.endpointHost, {
    subject: `--hostname ${target.endpointHost}`,
    requireRdsName: true,
    fix:
      'give the real endpoint as --hostname and the tunnel, IP or CNAME as --via <host[:port]>; or, for a server that ' +
      'is not RDS (e.g. the local emulator), give its CA with --ca <file>.',
  });
}

async function executeStatement(sql: string, route: Route, flags: ConnectFlags, context: CliContext): Promise<CommandResult> {
  const [{ createConnection }, { readCaFlag }, { formatResultTable, formatStatementResult }] = await Promise.all([
    import('../../client/create-connection'),
    import('../ca-file'),
    import('../result-table'),
  ]);
  const connection = await createConnection({
    host: route.connectHost,
    port: route.connectPort,
    endpoint: `${route.target.endpointHost}:${route.target.endpointPort}`,
    user: flags.username,
    database: flags.database,
    region: route.target.region,
    profile: flags.profile,
    ca: await readCaFlag(flags.ca),
    mysqlOptions: { dateStrings: true, connectTimeout: 20_000 },
  });
  try {
    const [result, fields] = await connection.query({ sql, rowsAsArray: true });
    if (Array.isArray(result) && fields !== undefined) {
      const rows = result as unknown as readonly (readonly unknown[])[];
      context.stdout.write(formatResultTable({ columns: fields.map((field) => field.name), rows }));
    } else {
      context.stdout.write(formatStatementResult('affectedRows' in result ? result.affectedRows : 0));
    }
  } finally {
    await connection.end();
  }
  return 0;
}

async function openClient(route: Route, flags: ConnectFlags, context: CliContext): Promise<CommandResult> {
  const [clientCommands, { caFileForClient }] = await Promise.all([import('../mysql-client-command'), import('../ca-file')]);
  const client = await chooseClient(flags.client, clientCommands, flags.printCommand ?? false);
  const command = clientCommands.buildClientCommand({
    program: client.program,
    flavor: client.flavor,
    host: route.connectHost,
    port: route.connectPort,
    user: flags.username,
    database: flags.database,
    caFile: await caFileForClient(flags.ca, context.env),
    viaTunnel: flags.via !== undefined,
  });
  if (flags.via !== undefined) {
    context.stderr.write(
      `note: through ${flags.via.host} the ${client.flavor} client verifies the certificate chain but cannot check that it ` +
        `names ${route.target.endpointHost}; use --execute for a full check.\n`,
    );
  }
  if (flags.printCommand) {
    context.stdout.write(`${clientCommands.formatClientCommand(command)}\n`);
    return 0;
  }
  const { generateAuthToken } = await import('../../client/iam-token-provider');
  const token = await generateAuthToken({
    hostname: route.target.endpointHost,
    port: route.target.endpointPort,
    username: flags.username,
    region: route.target.region,
    profile: flags.profile,
  });
  return runInteractive(command.program, command.args, { ...context.env, [clientCommands.PASSWORD_VARIABLE]: token });
}

async function chooseClient(
  requested: string | undefined,
  clientCommands: typeof import('../mysql-client-command'),
  printOnly: boolean,
): Promise<{ program: string; flavor: ClientFlavor }> {
  if (requested !== undefined) {
    const flavor = await clientCommands.detectClientFlavor(requested);
    if (flavor !== undefined) return { program: requested, flavor };
    if (printOnly) return { program: requested, flavor: /mariadb/i.test(requested) ? 'mariadb' : 'mysql' };
    throw new CliFailure('RDS_IAM_CLI_NO_CLIENT', `--client ${requested}: cannot run it (is it installed and on PATH?)`);
  }
  const installed = await clientCommands.findInstalledClient();
  if (installed !== undefined) return installed;
  if (printOnly) return { program: 'mariadb', flavor: 'mariadb' };
  throw new CliFailure(
    'RDS_IAM_CLI_NO_CLIENT',
    'found neither mariadb nor mysql on PATH. Fix: install one (Debian/Ubuntu: apt-get install mariadb-client), or run ' +
      'a statement without a client: --execute "SQL".',
  );
}

/** Runs the client in the foreground; Ctrl-C belongs to it (it cancels the running query), not to us. */
function runInteractive(program: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    const child = spawn(program, args, { stdio: 'inherit', env });
    child.once('error', (error) => {
      process.off('SIGINT', ignore);
      reject(new CliFailure('RDS_IAM_CLI_NO_CLIENT', `could not start ${program}: ${error.message}`, { cause: error }));
    });
    child.once('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal === null ? 1 : 128));
    });
  });
}
