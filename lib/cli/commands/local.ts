import type { Command } from 'commander';
import type { Connection } from 'mysql2/promise';
import { checkGrantTarget } from '../../users/grant-target';
import type { RunningEmulator } from '../../emulator';
import type { CliContext } from '../cli-context';
import type { DeclarationFlags, DeclaredDatabase } from '../declared-database';
import type { EmulatorEngine } from '../../emulator/emulator-options';
import { parseEngine, parsePort } from '../flag-parsers';
import { runCommand, type CommandResult } from '../run-command';

interface LocalFlags extends DeclarationFlags {
  readonly engine?: EmulatorEngine;
  readonly port?: number;
  readonly debug?: boolean;
}

/**
 * `rds-iam local`: the whole product offline. Starts the emulator (real MySQL or MariaDB, the environment's engine,
 * verifying real IAM tokens over TLS),
 * provisions the environment's declared users with the provisioner's own code, prints how to log in as each, and
 * keeps running until Ctrl-C.
 */
export function registerLocalCommand(program: Command, context: CliContext, onResult: (code: CommandResult) => void): void {
  program
    .command('local')
    .summary("run an environment's users in the local emulator, no AWS account needed")
    .description(
      'Start the local emulator (Oracle MySQL or MariaDB with an AWSAuthenticationPlugin that verifies real IAM tokens, ' +
        'TLS only), ' +
        "provision the environment's declared users into it with the same code the deploy uses, print a login " +
        'command for each user, and keep running until Ctrl-C.',
    )
    .option('--stack <name>', 'the synthesized stack whose declared users to provision (read from --app)')
    .option('--app <dir>', 'the cloud assembly --stack is read from', 'cdk.out')
    .option('--template <file>', "a synthesized stack's template to read the declared users from, instead of --stack")
    .option('--env <name>', 'the stack of --app its app named this environment (nameStackEnvironment) (default: dev, when no --stack or --template)')
    .option('--engine <engine>', "mysql or mariadb (default: the declared database's engine)", parseEngine)
    .option('--port <port>', 'TCP port on 127.0.0.1 (default: a free port)', parsePort)
    .option('--debug', 'on failure, also print the underlying causes')
    .addHelpText('after', '\nExample:\n  npx rds-iam local --env dev     # then, in another terminal, run a printed login command')
    .action(async (flags: LocalFlags) => onResult(await runCommand(context, 'local', flags, () => runLocal(flags, context))));
}

async function runLocal(flags: LocalFlags, context: CliContext): Promise<CommandResult> {
  const { readDeclaredDatabase } = await import('../declared-database');
  const declared = await readDeclaredDatabase(flags.stack === undefined && flags.template === undefined ? { env: 'dev', ...flags } : flags);
  const { startEmulator, followPluginLog } = await import('../../emulator');
  const engine = flags.engine ?? declared.engine ?? 'mysql';
  context.stderr.write(`starting the ${engine} emulator for ${declared.label}...
`);
  const emulator = await startEmulator({ engine, region: declared.region, port: flags.port });
  const { startLocalProxy, proxyLoginInstructions } = await import('../local-proxy');
  let proxy: Awaited<ReturnType<typeof startLocalProxy>> | undefined;
  try {
    const statements = await provision(emulator, declared);
    proxy = declared.proxy && (await startLocalProxy(emulator, declared.proxy, context));
    context.stdout.write(loginInstructions(emulator, declared, statements, proxy && declared.proxy && proxyLoginInstructions(proxy, declared.proxy)));
    const stopFollowing = followPluginLog(emulator.errorLogFile, (line) => context.stderr.write(`${line}\n`));
    const signal = await Promise.race([context.untilInterrupted(), emulator.exited.then(() => undefined)]);
    stopFollowing();
    if (signal === undefined) {
      context.stderr.write('the emulator stopped unexpectedly\n');
      return 1;
    }
    context.stderr.write(`stopped (${signal})\n`);
    return 0;
  } finally {
    await proxy?.stop();
    await emulator.stop();
  }
}

/** Creates the databases the grants name (so `--database` works) and converges the users; returns the statement count. */
async function provision(emulator: RunningEmulator, declared: DeclaredDatabase): Promise<number> {
  const [{ connectAsMaster, convergeUsers }, { escapeId }] = await Promise.all([import('../../provisioning'), import('mysql2')]);
  const connection: Connection = await connectAsMaster({
    host: emulator.host,
    port: emulator.port,
    user: emulator.adminUser,
    password: emulator.adminPassword,
    ca: emulator.caPem,
    servername: emulator.endpointHost,
    retryForMs: 0,
  });
  try {
    const { users } = declared;
    const databases = new Set(users.flatMap((user) => user.grants.flatMap((grant) => databaseOf(grant.on))));
    for (const database of databases) await connection.query(`CREATE DATABASE IF NOT EXISTS ${escapeId(database)}`);
    const result = await convergeUsers(connection, {
      desired: users,
      previous: users,
      operation: 'converge',
      masterUsername: emulator.adminUser,
    });
    return result.executed;
  } finally {
    await connection.end();
  }
}

function loginInstructions(emulator: RunningEmulator, declared: DeclaredDatabase, statements: number, proxySection = ''): string {
  const connectFlags = `--hostname ${emulator.endpointHost} --port ${emulator.port} --ca ${emulator.caFile}`;
  const lines = [
    `${declared.label[0].toUpperCase()}${declared.label.slice(1)} is running locally: ${declared.users.length} IAM users provisioned (${statements} statements).`,
    `  server ${emulator.engine} ${emulator.serverVersion}`,
    `  endpoint ${emulator.endpoint}   region ${emulator.region}   CA ${emulator.caFile}`,
    '',
    'In another terminal, from this directory, use the emulator\'s test credentials (they sign tokens only it accepts):',
    `  export AWS_ACCESS_KEY_ID=${emulator.accessKeyId} AWS_SECRET_ACCESS_KEY=${emulator.secretAccessKey} AWS_REGION=${emulator.region}`,
    '',
    'then log in as a declared user:',
    ...declared.users.map((user) => `  npx rds-iam connect ${connectFlags} --username ${user.username}`),
    '',
    'or by hand, with any MySQL/MariaDB client:',
    `  MYSQL_PWD="$(npx rds-iam token --hostname ${emulator.endpointHost} --port ${emulator.port} --username ${declared.users[0]?.username ?? 'USER'})" ` +
      `mariadb --host=${emulator.endpointHost} --port=${emulator.port} --user=${declared.users[0]?.username ?? 'USER'} --protocol=TCP --ssl-ca=${emulator.caFile} --ssl-verify-server-cert`,
    '',
    ...(proxySection === '' ? [] : [proxySection.trimEnd(), '']),
    'Refused logins are explained below. Press Ctrl-C to stop the emulator.',
  ];
  return `${lines.join('\n')}\n`;
}

/** The database a validated grant target names (none for `*.*`), read by the one parser of grant targets. */
function databaseOf(on: string): string[] {
  const check = checkGrantTarget(on);
  return 'target' in check && check.target.level !== 'global' ? [check.target.database] : [];
}
