import type { Connect, UserAccess } from './access-model';
import type { AccessDiff, DatabaseDiff, PrivilegeChange, Risk, StackDiff, UserDiff } from './access-diff';
import { formatPrivileges } from './access-text';

/**
 * An access diff as GitHub-flavoured markdown for a pull request's job summary: risks first, then users, grants, TLS,
 * rds-db:connect and other changes, per stack and database. Values from templates are escaped, so a user name or a
 * reason cannot inject markup or HTML into the summary.
 */
export function formatAccessDiffMarkdown(diff: AccessDiff, labels: { readonly base: string; readonly head: string }): string {
  const title = `## Database access: ${text(labels.base)} → ${text(labels.head)}`;
  if (diff.stacks.length === 0) {
    return `${title}\n\nNo change in database access (${diff.comparedStacks} stack${diff.comparedStacks === 1 ? '' : 's'} compared).\n`;
  }
  const riskCount = diff.stacks.flatMap((stack) => stack.databases.flatMap((db) => db.risks)).length;
  const summary = `${diff.stacks.length} of ${diff.comparedStacks} stacks change database access` +
    (riskCount === 0 ? '; no new risk.' : `; **${riskCount} new risk${riskCount === 1 ? '' : 's'}** flagged below.`);
  return [title, '', summary, ...diff.stacks.flatMap(stackSection)].join('\n') + '\n';
}

function stackSection(stack: StackDiff): string[] {
  const heading = `### ${code(stack.stackName)}${stack.presence === 'changed' ? '' : ` (stack ${stack.presence})`}`;
  return [
    '',
    heading,
    ...stack.databases.flatMap(databaseSection),
    ...section('rds-db:connect on databases no provisioner of this stack manages', [
      ...stack.otherConnectsGained.map((grant) => `+ ${principal(grant.principal)} on ${code(grant.resource)}`),
      ...stack.otherConnectsLost.map((grant) => `− ${principal(grant.principal)} on ${code(grant.resource)}`),
    ]),
  ];
}

function databaseSection(db: DatabaseDiff): string[] {
  const presence = db.presence === 'changed' ? '' : `, ${db.presence}`;
  return [
    '',
    `#### Database ${code(db.logicalId)} (${text(db.engine)}${presence})`,
    ...section(':warning: Risks', db.risks.map(riskLine)),
    ...section('Users', [
      ...db.usersAdded.map((user) => `added ${code(user.username)}: ${userSummary(user)}`),
      ...db.usersDropped.map((user) => `removed ${code(user.username)}: DROP USER at deploy`),
      ...db.usersRetained.map((user) => `retained ${code(user.username)}: leaves the declaration; the user and its grants stay in the database`),
      ...db.usersAdopted.map((name) => `adopted ${code(name)}: a same-named user of another plugin is converted to IAM at deploy`),
    ]),
    ...section('Grants', db.userChanges.flatMap((user) => [
      ...user.grantsAdded.map((change) => `${code(user.username)}: + ${privilegeChange(change)}`),
      ...user.grantsRemoved.map((change) => `${code(user.username)}: − ${privilegeChange(change)}`),
    ])),
    ...section('TLS', db.userChanges.flatMap((user) =>
      user.requireSsl === undefined ? [] : [`${code(user.username)}: ${tls(user.requireSsl.from)} → ${tls(user.requireSsl.to)}`],
    )),
    ...section('rds-db:connect', [
      ...db.userChanges.flatMap((user) => [
        ...user.connectsGained.map((connect) => `${code(user.username)}: + ${connectText(connect)}`),
        ...user.connectsLost.map((connect) => `${code(user.username)}: − ${connectText(connect)}`),
      ]),
      ...db.patternConnectsGained.map((connect) => `any user named ${code(connect.usernamePattern)}: + ${connectText(connect)}`),
      ...db.patternConnectsLost.map((connect) => `any user named ${code(connect.usernamePattern)}: − ${connectText(connect)}`),
    ]),
    ...section('Other', [
      ...(db.engineChange ? [`engine: ${text(db.engineChange.from)} → ${text(db.engineChange.to)}`] : []),
      ...(db.endpointChange ? [`endpoint: ${code(db.endpointChange.from)} → ${code(db.endpointChange.to)}`] : []),
      ...(db.resourceIdChange ? [`resource id: ${code(db.resourceIdChange.from)} → ${code(db.resourceIdChange.to)} (a new database)`] : []),
      ...(db.provisionerLoginChange ? [`provisioner logs in as: ${text(db.provisionerLoginChange.from)} → ${text(db.provisionerLoginChange.to)}`] : []),
      ...db.userChanges.flatMap(otherUserChanges),
    ]),
  ];
}

function otherUserChanges(user: UserDiff): string[] {
  const name = code(user.username);
  return [
    ...(user.removalPolicy ? [`${name}: on removal ${text(user.removalPolicy.from)} → ${text(user.removalPolicy.to)}`] : []),
    ...(user.adoptExistingUser && !user.adoptExistingUser.to ? [`${name}: no longer adopts a same-named user of another plugin`] : []),
    ...user.optInsAdded.map((optIn) => `${name}: + opt-in ${code(optIn.rule)} for ${code(optIn.covers)}: ${quoted(optIn.reason)}`),
    ...user.optInsRemoved.map((optIn) => `${name}: − opt-in ${code(optIn.rule)} for ${code(optIn.covers)}`),
    ...user.acknowledgements.map((change) =>
      change.to === undefined
        ? `${name}: − acknowledgement of ${code(change.ruleId)}`
        : `${name}: acknowledges ${code(change.ruleId)}: ${quoted(change.to)}`,
    ),
  ];
}

function riskLine(risk: Risk): string {
  const who = risk.username === undefined ? '' : `${code(risk.username)}: `;
  const rule = risk.ruleId === undefined ? '' : ` (${code(risk.ruleId)})`;
  const reason = risk.kind === 'broad grant'
    ? risk.reason === undefined ? ' — **not acknowledged**' : ` — acknowledged: ${quoted(risk.reason)}`
    : risk.reason === undefined ? '' : ` — reason: ${quoted(risk.reason)}`;
  return `**${text(risk.kind)}**: ${who}${text(risk.text)}${rule}${reason}`;
}

function userSummary(user: UserAccess): string {
  const grants = user.grants.map((grant) => `${formatPrivileges(grant)} ON ${code(grant.on)}`);
  const connects = user.connects.map(connectText);
  return [tls(user.requireSsl), ...(grants.length ? [`grants ${grants.join('; ')}`] : ['no grants']), ...(connects.length ? [`connect: ${connects.join(', ')}`] : [])].join('; ');
}

function privilegeChange(change: PrivilegeChange): string {
  return `${change.privileges.map(text).join(', ')} ON ${code(change.on)}`;
}

function connectText(connect: Connect): string {
  return `${principal(connect.principal)}${connect.via ? ` via ${code(connect.via)}` : ''}`;
}

/** `role ConnectRoleX` → role `ConnectRoleX`. */
function principal(description: string): string {
  const space = description.lastIndexOf(' ');
  return space < 0 ? code(description) : `${text(description.slice(0, space))} ${code(description.slice(space + 1))}`;
}

function tls(requireSsl: boolean): string {
  return requireSsl ? 'REQUIRE SSL' : 'REQUIRE NONE';
}

function section(title: string, items: readonly string[]): string[] {
  return items.length === 0 ? [] : ['', `**${title}**`, ...items.map((item) => `- ${item}`)];
}

/** Inline code that cannot be closed early: backticks and line breaks removed, at most 200 characters. */
function code(value: string): string {
  const clean = value.replace(/[`\r\n]/g, ' ');
  return `\`${clean.length > 200 ? `${clean.slice(0, 197)}...` : clean}\``;
}

/** Plain text with markdown and HTML special characters escaped. */
function text(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`);
}

function quoted(value: string): string {
  return `“${text(value)}”`;
}
