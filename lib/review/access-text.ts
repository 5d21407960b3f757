import { IAM_AUTH_PLUGIN } from '../users/database-user-spec';
import type { AccessModel, DatabaseAccess, GrantAccess, UserAccess } from './access-model';
import type { AssessedFinding } from './warning-acknowledgement';
import { plainConnectText } from './connect-text';

/**
 * The access model as text for a snapshot a reviewer reads: one fact per line, in a fixed order, each line complete
 * on its own (it names the user), so adding one privilege changes one line and the diff reads as a sentence.
 */
export function formatAccessText(model: AccessModel): string {
  const lines = model.stacks.flatMap((stack) => [
    `# ${stack.stackName}`,
    ...stack.databases.flatMap(databaseLines),
    ...(stack.otherConnectGrants.length === 0
      ? []
      : [
          '## rds-db:connect on databases no provisioner of this stack manages',
          ...stack.otherConnectGrants.map((grant) => `- ${grant.resource}: connect: ${grant.principal}`),
        ]),
  ]);
  return `${lines.join('\n')}\n`;
}

function databaseLines(database: DatabaseAccess): string[] {
  return [
    `## database ${database.logicalId}`,
    `- engine: ${database.engine}`,
    `- endpoint: ${database.endpoint}`,
    `- resource id: ${database.resourceId}`,
    `- provisioner logs in as: ${database.provisionerLogin}`,
    ...database.users.flatMap(userLines),
    ...database.patternConnects.map(
      (connect) => `- any user named ${connect.usernamePattern}, declared or not: connect: ${plainConnectText(connect)}`,
    ),
  ];
}

function userLines(user: UserAccess): string[] {
  const at = `- user ${user.username}:`;
  return [
    `${at} login ${IAM_AUTH_PLUGIN}, ${user.requireSsl ? 'REQUIRE SSL' : 'REQUIRE NONE (unencrypted connections accepted)'}`,
    `${at} on removal: ${user.removalPolicy === 'retain' ? 'retain (the user and its grants stay in the database)' : 'DROP USER'}`,
    `${at} same-named user of another plugin: ${user.adoptExistingUser ? 'adopted (converted to IAM, its privileges replaced)' : 'refused'}`,
    ...user.grants.map((grant) => `${at} grant ${formatPrivileges(grant)} ON ${grant.on}`),
    ...user.connects.map((connect) => `${at} connect: ${plainConnectText(connect)}`),
    ...user.optIns.map((optIn) => `${at} opt-in ${optIn.rule} for ${optIn.covers}: ${optIn.reason}`),
    ...user.findings.map((assessed) => `${at} ${formatFinding(assessed)}`),
    ...user.unneededAcknowledgements.map((acknowledgement) => `${at} acknowledges ${acknowledgement.id}, which no grant raises: remove it`),
  ];
}

/** `ALL PRIVILEGES` when the grant holds everything `ALL` expands to, else the privileges, comma-separated. */
export function formatPrivileges(grant: GrantAccess): string {
  return grant.allPrivileges ? 'ALL PRIVILEGES' : grant.privileges.join(', ');
}

/** Names the rule and the target, not the privileges, so a privilege change stays a one-line change. */
export function formatFinding({ finding, acknowledgedBecause }: AssessedFinding): string {
  return acknowledgedBecause === undefined
    ? `broad grant ON ${finding.on}: ${finding.ruleId}, NOT acknowledged`
    : `broad grant ON ${finding.on}: ${finding.ruleId}, acknowledged: ${acknowledgedBecause}`;
}
