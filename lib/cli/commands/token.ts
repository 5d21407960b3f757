import type { Command } from 'commander';
import { guardSigningHostname } from '../../client/rds-endpoint';
import type { CliContext } from '../cli-context';
import { runCommand, type CommandResult } from '../run-command';
import { parsePort } from '../flag-parsers';

interface TokenFlags {
  readonly hostname: string;
  readonly port: number;
  readonly username: string;
  readonly region?: string;
  readonly profile?: string;
  readonly debug?: boolean;
}

/**
 * `rds-iam token`: the same token `aws rds generate-db-auth-token` prints, and nothing else, so it can be used as
 * `MYSQL_PWD=$(rds-iam token …)`. Only the signer is loaded, which keeps this command fast.
 */
export function registerTokenCommand(program: Command, context: CliContext, onResult: (code: CommandResult) => void): void {
  program
    .command('token')
    .summary('print an IAM auth token (like aws rds generate-db-auth-token)')
    .description(
      'Print an IAM database auth token for a user on an endpoint, and nothing else. Same parameters and signature as `aws rds generate-db-auth-token` for the same credentials and clock. Credentials come from the default AWS chain (environment, AWS_PROFILE / --profile, SSO, instance or task role). The token is valid for 15 minutes.',
    )
    .requiredOption('--hostname <host>', 'the DB endpoint the token is for (not a tunnel, IP or CNAME)')
    .option('--port <port>', 'the database port', parsePort, 3306)
    .requiredOption('--username <user>', 'the IAM database user')
    .option('--region <region>', 'region of the database (default: from the endpoint name, AWS_REGION or the profile)')
    .option('--profile <profile>', 'AWS named profile for credentials and region')
    .option('--debug', 'on failure, also print the underlying causes')
    .addHelpText('after', '\nExample:\n  MYSQL_PWD="$(rds-iam token --hostname mydb.abc123.eu-west-1.rds.amazonaws.com --username app)" mariadb ...')
    .action(async (flags: TokenFlags) => onResult(await runCommand(context, 'token', flags, () => printToken(flags, context))));
}

async function printToken(flags: TokenFlags, context: CliContext): Promise<CommandResult> {
  guardSigningHostname(flags.hostname, {
    subject: `--hostname ${flags.hostname}`,
    requireRdsName: false,
    fix: 'pass the endpoint (e.g. mydb.abc123.eu-west-1.rds.amazonaws.com) even when you connect through a tunnel or an IP.',
  });
  const { generateAuthToken } = await import('../../client/iam-token-provider');
  const token = await generateAuthToken({
    hostname: flags.hostname,
    port: flags.port,
    username: flags.username,
    region: flags.region,
    profile: flags.profile,
  });
  context.stdout.write(`${token}\n`);
  return 0;
}
