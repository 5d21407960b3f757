import type { Command } from 'commander';
import { parseDeployedStateFlag } from './deployed-user-set';
import { parseHostAndPort, parsePort } from './flag-parsers';

/** The flags `plan` and `apply` share: the declaration (a stack, a template or an environment), the database, and the master credentials. */
export function addMasterSessionOptions(command: Command): Command {
  return command
    .option('--stack <name>', 'the synthesized stack whose declared users are the desired state (read from --app)')
    .option('--app <dir>', 'the cloud assembly --stack and --env are read from', 'cdk.out')
    .option('--template <file>', "a synthesized stack's template to read the declared users from, instead of --stack")
    .option('--env <name>', 'the stack of --app its app named this environment (nameStackEnvironment), e.g. dev')
    .option('--cluster <id>', "DB cluster identifier (default: the environment's database)")
    .option('--instance <id>', "DB instance identifier (default: the environment's database)")
    .option('--hostname <endpoint>', 'connect to this endpoint instead (any MySQL-compatible server; a non-RDS one needs --ca)')
    .option('--port <port>', 'database port (default: from the RDS API, else 3306)', parsePort)
    .option('--via <host[:port]>', 'connect through this address (bastion tunnel); TLS is still verified for the endpoint', parseHostAndPort)
    .option('--secret-arn <arn>', "master secret (default: the database's RDS-managed secret, or the environment's)")
    .option('--admin-user <name>', 'master user name (required with --password-env unless the RDS API tells it)')
    .option('--password-env <variable>', 'read the master password from this environment variable instead of Secrets Manager')
    .option(
      '--admin-iam',
      'log in as --admin-user with an IAM token signed by your AWS credentials instead of a password: an admin user ' +
        'IDENTIFIED WITH AWSAuthenticationPlugin that may create users and grant, not the master (no password anywhere)',
    )
    .option('--ca <file>', 'PEM CA file to verify the server with (default: the Amazon RDS bundle)')
    .option('--region <region>', "region (default: the environment's)")
    .option('--profile <profile>', 'AWS named profile')
    .option(
      '--deployed-state <source>',
      'where the previously deployed user set comes from, whose users missing from the declaration are dropped: ' +
        "auto (default: the environment's stack RdsIamMysql-<env> through cloudformation:GetTemplate; none with " +
        '--hostname), cloudformation (the stack, also with --hostname), none (drop nobody), or a template FILE ' +
        '(e.g. cdk.out/RdsIamMysql-dev.template.json)',
      parseDeployedStateFlag,
    )
    .option('--debug', 'on failure, also print the underlying causes');
}
