import type { Command } from 'commander';
import type { Connection } from 'mysql2/promise';
import type { EnvironmentConfig } from '../../../app/environments';
import type { RunningEmulator } from '../../emulator';
import type { CliContext } from '../cli-context';
import type { EmulatorEngine } from '../../emulator/emulator-options';
import { parseEngine, parsePort } from '../flag-parsers';
import { runCommand, type CommandResult } from '../run-command';

interface LocalFlags {
  readonly env: string;
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
    .option('--env <name>', "the environment whose users to provision (app/environments)", 'dev')
    .option('--engine <engine>', "mysql or mariadb (default: the environment's database engine)", parseEngine)
    .option('--port <port>', 'TCP port on 127.0.0.1 (default: a free port)', parsePort)
    .option('--debug', 'on failure, also print the underlying causes')
    .addHelpText('after', '\nExample:\n  npx rds-iam local --env dev     # then, in another terminal, run a printed login command')
    .action(async (flags: LocalFlags) => onResult(await runCommand(context, 'local', flags, () => runLocal(flags, context))));
}

async function runLocal(flags: LocalFlags, context: CliContext): Promise<CommandResult> {
  const environments = await import('../../../app/environments');
  const environment = environments.getEnvironment(flags.env);
  const { startEmulator, followPluginLog } = await import('../../emulator');
  const engine = flags.engine ?? environments.environmentEngine(environment);
  context.stderr.write(`starting the ${engine} emulator for environment ${environment.name}...\n`);
  const emulator = await startEmulator({ engine, region: environment.region, port: flags.port });
  try {
    const statements = await provision(emulator, environment);
    context.stdout.write(loginInstructions(emulator, environment, statements));
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
    await emulator.stop();
  }
}

/** Creates the databases the grants name (so `--database` works) and converges the users; returns the statement count. */
async function provision(emulator: RunningEmulator, environment: EnvironmentConfig): Promise<number> {
  const [{ connectAsMaster, convergeUsers }, { environmentUserSpecs }, { escapeId }] = await Promise.all([
    import('../../provisioning'),
    import('../../../app/environments'),
    import('mysql2'),
  ]);
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
    const users = environmentUserSpecs(environment);
    const databases = new Set(users.flatMap((user) => user.grants.map((grant) => grant.on.split('.')[0]).filter((name) => name !== '*')));
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

function loginInstructions(emulator: RunningEmulator, environment: EnvironmentConfig, statements: number): string {
  const connectFlags = `--hostname ${emulator.endpointHost} --port ${emulator.port} --ca ${emulator.caFile}`;
  const lines = [
    `Environment ${environment.name} is running locally: ${environment.users.length} IAM users provisioned (${statements} statements).`,
    `  server ${emulator.engine} ${emulator.serverVersion}`,
    `  endpoint ${emulator.endpoint}   region ${emulator.region}   CA ${emulator.caFile}`,
    '',
    'In another terminal, from this directory, use the emulator\'s test credentials (they sign tokens only it accepts):',
    `  export AWS_ACCESS_KEY_ID=${emulator.accessKeyId} AWS_SECRET_ACCESS_KEY=${emulator.secretAccessKey} AWS_REGION=${emulator.region}`,
    '',
    'then log in as a declared user:',
    ...environment.users.map((user) => `  npx rds-iam connect ${connectFlags} --username ${user.username}`),
    '',
    'or by hand, with any MySQL/MariaDB client:',
    `  MYSQL_PWD="$(npx rds-iam token --hostname ${emulator.endpointHost} --port ${emulator.port} --username ${environment.users[0]?.username ?? 'USER'})" ` +
      `mariadb --host=${emulator.endpointHost} --port=${emulator.port} --user=${environment.users[0]?.username ?? 'USER'} --protocol=TCP --ssl-ca=${emulator.caFile} --ssl-verify-server-cert`,
    '',
    'Refused logins are explained below. Press Ctrl-C to stop the emulator.',
  ];
  return `${lines.join('\n')}\n`;
}
