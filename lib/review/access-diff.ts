import type { AccessModel, Connect, DatabaseAccess, GrantAccess, OptIn, OtherConnectGrant, PatternConnect, StackAccess, UserAccess } from './access-model';
import type { AssessedFinding } from './warning-acknowledgement';

/**
 * What changes in database access from one access model (the base) to another (the head): per stack and database,
 * the users added, removed, retained and adopted, the grants added and removed, TLS, removal and adoption changes,
 * principals gaining or losing rds-db:connect, and the risks the head brings that the base did not have.
 */
export interface AccessDiff {
  /** Stacks with at least one change, by name. */
  readonly stacks: readonly StackDiff[];
  /** How many stacks were compared (base and head together). */
  readonly comparedStacks: number;
}

export type Presence = 'added' | 'removed' | 'changed';

export interface StackDiff {
  readonly stackName: string;
  readonly presence: Presence;
  readonly databases: readonly DatabaseDiff[];
  readonly otherConnectsGained: readonly OtherConnectGrant[];
  readonly otherConnectsLost: readonly OtherConnectGrant[];
}

export interface Change<T> {
  readonly from: T;
  readonly to: T;
}

export interface DatabaseDiff {
  readonly logicalId: string;
  readonly presence: Presence;
  /** The head's engine (the base's for a removed database). */
  readonly engine: string;
  readonly engineChange?: Change<string>;
  readonly endpointChange?: Change<string>;
  readonly resourceIdChange?: Change<string>;
  /** Whom the provisioner logs in as (the master with its secret, or an IAM admin user). */
  readonly provisionerLoginChange?: Change<string>;
  readonly usersAdded: readonly UserAccess[];
  /** Users that leave the declaration with `removalPolicy: drop`: the deploy drops them. */
  readonly usersDropped: readonly UserAccess[];
  /** Users that leave the declaration with `removalPolicy: retain`: they stay in the database with their grants. */
  readonly usersRetained: readonly UserAccess[];
  /** Users (new or kept) that newly convert a same-named user of another plugin. */
  readonly usersAdopted: readonly string[];
  readonly userChanges: readonly UserDiff[];
  readonly patternConnectsGained: readonly PatternConnect[];
  readonly patternConnectsLost: readonly PatternConnect[];
  readonly risks: readonly Risk[];
}

export interface PrivilegeChange {
  readonly on: string;
  readonly privileges: readonly string[];
}

export interface UserDiff {
  readonly username: string;
  readonly grantsAdded: readonly PrivilegeChange[];
  readonly grantsRemoved: readonly PrivilegeChange[];
  readonly requireSsl?: Change<boolean>;
  readonly removalPolicy?: Change<string>;
  readonly adoptExistingUser?: Change<boolean>;
  readonly connectsGained: readonly Connect[];
  readonly connectsLost: readonly Connect[];
  readonly optInsAdded: readonly OptIn[];
  readonly optInsRemoved: readonly OptIn[];
  /** Broad-grant acknowledgements stated, changed or withdrawn. */
  readonly acknowledgements: readonly AcknowledgementChange[];
}

/** The reason for one rule before and after (undefined: not acknowledged). */
export interface AcknowledgementChange extends Change<string | undefined> {
  readonly ruleId: string;
}

export type RiskKind = 'broad grant' | 'adopted password user' | 'opt-in' | 'REQUIRE NONE' | 'connect as any user';

export interface Risk {
  readonly kind: RiskKind;
  readonly username?: string;
  /** What the risk is, e.g. `may change every database …: DELETE ON *.*`. */
  readonly text: string;
  /** The stated reason, if any (an acknowledgement, an opt-in's reason). */
  readonly reason?: string;
  /** The broad-grant rule id. */
  readonly ruleId?: string;
}

export function diffAccess(base: AccessModel, head: AccessModel): AccessDiff {
  const names = unionSorted(base.stacks.map((stack) => stack.stackName), head.stacks.map((stack) => stack.stackName));
  const stacks = names.flatMap((name) => {
    const diff = diffStack(name, base.stacks.find((stack) => stack.stackName === name), head.stacks.find((stack) => stack.stackName === name));
    return diff === undefined ? [] : [diff];
  });
  return { stacks, comparedStacks: names.length };
}

/** True when nothing about access changes. */
export function isUnchanged(diff: AccessDiff): boolean {
  return diff.stacks.length === 0;
}

const EMPTY_STACK = (stackName: string): StackAccess => ({ stackName, databases: [], otherConnectGrants: [] });

function diffStack(stackName: string, base: StackAccess | undefined, head: StackAccess | undefined): StackDiff | undefined {
  const before = base ?? EMPTY_STACK(stackName);
  const after = head ?? EMPTY_STACK(stackName);
  const ids = unionSorted(before.databases.map((db) => db.logicalId), after.databases.map((db) => db.logicalId));
  const databases = ids.flatMap((id) => {
    const diff = diffDatabase(id, before.databases.find((db) => db.logicalId === id), after.databases.find((db) => db.logicalId === id));
    return diff === undefined ? [] : [diff];
  });
  const otherKey = (grant: OtherConnectGrant) => `${grant.resource}\n${grant.principal}`;
  const otherConnectsGained = minus(after.otherConnectGrants, before.otherConnectGrants, otherKey);
  const otherConnectsLost = minus(before.otherConnectGrants, after.otherConnectGrants, otherKey);
  if (base !== undefined && head !== undefined && databases.length === 0 && otherConnectsGained.length === 0 && otherConnectsLost.length === 0) {
    return undefined;
  }
  return { stackName, presence: presence(base, head), databases, otherConnectsGained, otherConnectsLost };
}

function diffDatabase(logicalId: string, base: DatabaseAccess | undefined, head: DatabaseAccess | undefined): DatabaseDiff | undefined {
  const before = base?.users ?? [];
  const after = head?.users ?? [];
  const named = (list: readonly UserAccess[], name: string) => list.find((user) => user.username === name);
  const leaving = before.filter((user) => named(after, user.username) === undefined);
  const usersAdded = after.filter((user) => named(before, user.username) === undefined);
  const userChanges = after.flatMap((user) => {
    const previous = named(before, user.username);
    const diff = previous === undefined ? undefined : diffUser(previous, user);
    return diff === undefined ? [] : [diff];
  });
  const usersAdopted = after
    .filter((user) => user.adoptExistingUser && named(before, user.username)?.adoptExistingUser !== true)
    .map((user) => user.username);
  const connectKey = (connect: PatternConnect) => `${connect.usernamePattern}\n${connect.principal}\n${connect.via ?? ''}`;
  const patternConnectsGained = minus(head?.patternConnects ?? [], base?.patternConnects ?? [], connectKey);
  const patternConnectsLost = minus(base?.patternConnects ?? [], head?.patternConnects ?? [], connectKey);
  const diff: DatabaseDiff = {
    logicalId,
    presence: presence(base, head),
    engine: (head ?? base)?.engine ?? '',
    ...optionalChange('engineChange', base?.engine, head?.engine),
    ...optionalChange('endpointChange', base?.endpoint, head?.endpoint),
    ...optionalChange('resourceIdChange', base?.resourceId, head?.resourceId),
    ...optionalChange('provisionerLoginChange', base?.provisionerLogin, head?.provisionerLogin),
    usersAdded,
    usersDropped: leaving.filter((user) => user.removalPolicy !== 'retain'),
    usersRetained: leaving.filter((user) => user.removalPolicy === 'retain'),
    usersAdopted,
    userChanges,
    patternConnectsGained,
    patternConnectsLost,
    risks: risksOf(before, after, patternConnectsGained),
  };
  const changed =
    base === undefined || head === undefined || diff.engineChange || diff.endpointChange || diff.resourceIdChange || diff.provisionerLoginChange ||
    usersAdded.length + leaving.length + userChanges.length + patternConnectsGained.length + patternConnectsLost.length > 0;
  return changed ? diff : undefined;
}

function diffUser(base: UserAccess, head: UserAccess): UserDiff | undefined {
  const connectKey = (connect: Connect) => `${connect.principal}\n${connect.via ?? ''}`;
  const optInKey = (optIn: OptIn) => `${optIn.rule}\n${optIn.covers}\n${optIn.reason}`;
  const [reasonsBefore, reasonsAfter] = [acknowledgementReasons(base), acknowledgementReasons(head)];
  const acknowledgements = unionSorted([...reasonsBefore.keys()], [...reasonsAfter.keys()]).flatMap((ruleId): AcknowledgementChange[] => {
    const [from, to] = [reasonsBefore.get(ruleId), reasonsAfter.get(ruleId)];
    return from === to ? [] : [{ ruleId, from, to }];
  });
  const diff: UserDiff = {
    username: head.username,
    grantsAdded: privilegesMinus(head.grants, base.grants),
    grantsRemoved: privilegesMinus(base.grants, head.grants),
    ...optionalChange('requireSsl', base.requireSsl, head.requireSsl),
    ...optionalChange('removalPolicy', base.removalPolicy, head.removalPolicy),
    ...optionalChange('adoptExistingUser', base.adoptExistingUser, head.adoptExistingUser),
    connectsGained: minus(head.connects, base.connects, connectKey),
    connectsLost: minus(base.connects, head.connects, connectKey),
    optInsAdded: minus(head.optIns, base.optIns, optInKey),
    optInsRemoved: minus(base.optIns, head.optIns, optInKey),
    acknowledgements,
  };
  const changed =
    diff.grantsAdded.length + diff.grantsRemoved.length + diff.connectsGained.length + diff.connectsLost.length +
      diff.optInsAdded.length + diff.optInsRemoved.length + acknowledgements.length > 0 ||
    diff.requireSsl !== undefined || diff.removalPolicy !== undefined || diff.adoptExistingUser !== undefined;
  return changed ? diff : undefined;
}

/** The reasons a user states, by rule id (needed or not). */
function acknowledgementReasons(user: UserAccess): Map<string, string> {
  return new Map<string, string>([
    ...user.findings.flatMap((entry): [string, string][] => (entry.acknowledgedBecause === undefined ? [] : [[entry.finding.ruleId, entry.acknowledgedBecause]])),
    ...user.unneededAcknowledgements.map((entry): [string, string] => [entry.id, entry.reason]),
  ]);
}

/** Risks the head has and the base did not (by user and kind), in user order. */
function risksOf(base: readonly UserAccess[], head: readonly UserAccess[], patternConnectsGained: readonly PatternConnect[]): Risk[] {
  const risks = head.flatMap((user): Risk[] => {
    const previous = base.find((candidate) => candidate.username === user.username);
    const { username } = user;
    const newFindings = user.findings.filter((entry) => !previous?.findings.some((old) => sameFinding(old, entry)));
    return [
      ...newFindings.map((entry): Risk => ({
        kind: 'broad grant',
        username,
        text: entry.finding.summary,
        ruleId: entry.finding.ruleId,
        ...(entry.acknowledgedBecause === undefined ? {} : { reason: entry.acknowledgedBecause }),
      })),
      ...(user.adoptExistingUser && previous?.adoptExistingUser !== true
        ? [{ kind: 'adopted password user' as const, username, text: 'a same-named user of another plugin (a password user) will be converted to IAM and its privileges replaced' }]
        : []),
      ...(!user.requireSsl && previous?.requireSsl !== false
        ? [{ kind: 'REQUIRE NONE' as const, username, text: 'accepts unencrypted connections (REQUIRE NONE)' }]
        : []),
      ...user.optIns
        .filter((optIn) => !previous?.optIns.some((old) => old.rule === optIn.rule && old.covers === optIn.covers && old.reason === optIn.reason))
        .map((optIn): Risk => ({ kind: 'opt-in', username, text: `opts in to ${optIn.rule} for ${optIn.covers}`, reason: optIn.reason })),
    ];
  });
  return [
    ...risks,
    ...patternConnectsGained.map((connect): Risk => ({
      kind: 'connect as any user',
      text: `${connect.principal}${connect.via ? ` via ${connect.via}` : ''} may connect as any user named ${connect.usernamePattern}, declared or not`,
    })),
  ];
}

/** Same rule on the same target, not less acknowledged: a reason withdrawn makes it a new risk, a reason added does not. */
function sameFinding(base: AssessedFinding, head: AssessedFinding): boolean {
  return base.finding.ruleId === head.finding.ruleId && base.finding.on === head.finding.on &&
    (head.acknowledgedBecause !== undefined || base.acknowledgedBecause === undefined);
}

function privilegesMinus(from: readonly GrantAccess[], without: readonly GrantAccess[]): PrivilegeChange[] {
  return from.flatMap((grant) => {
    const other = new Set(without.find((candidate) => candidate.on === grant.on)?.privileges ?? []);
    const privileges = grant.privileges.filter((privilege) => !other.has(privilege));
    return privileges.length === 0 ? [] : [{ on: grant.on, privileges }];
  });
}

function optionalChange<K extends string, T>(key: K, from: T | undefined, to: T | undefined): { [P in K]?: Change<T> } {
  return from === undefined || to === undefined || from === to ? {} : ({ [key]: { from, to } } as { [P in K]?: Change<T> });
}

function presence(base: unknown, head: unknown): Presence {
  return base === undefined ? 'added' : head === undefined ? 'removed' : 'changed';
}

function minus<T>(from: readonly T[], without: readonly T[], key: (item: T) => string): T[] {
  const other = new Set(without.map(key));
  return from.filter((item) => !other.has(key(item)));
}

function unionSorted(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}
