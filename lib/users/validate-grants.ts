import type { DatabaseEngineFamily, PrivilegedAccessOptIn, UserGrant } from './database-user-spec';
import { checkGrantTarget, formatGrantTarget, GrantTarget } from './grant-target';
import { PrivilegedGrantFinding, privilegedGrantFinding } from './privileged-grants';
import { isDynamicPrivilegeOn, serverLineName, serverLinesOf, type ServerLine } from './privilege-catalogues';
import {
  ALL_PRIVILEGES,
  canonicalPrivilegeName,
  expandAllPrivileges,
  isStaticPrivilege,
  knownPrivileges,
  privilegeLevels,
  rdsMasterCanGrant,
} from './privileges';
import type { DeclarationPath, ReportProblem } from './user-declaration';

/** Privileges on one target, normalized: canonical names, `ALL` expanded, de-duplicated, sorted. */
export interface ValidatedGrant {
  readonly target: GrantTarget;
  readonly privileges: readonly string[];
}

/** An opt-in with its grants normalized like the user's own. */
export interface ValidatedOptIn {
  readonly reason: string;
  readonly grants: readonly ValidatedGrant[];
}

export interface GrantRuleContext {
  readonly engine: DatabaseEngineFamily;
  /**
   * The engine version the grants will run on (`8.4.8`, `8.0.mysql_aurora.3.10.3`, the live `SELECT VERSION()`),
   * which decides the dynamic privileges there are and the RDS master can grant.
   * @default - unknown: what any supported version of the engine allows; the provisioner checks again on the server
   */
  readonly engineVersion?: string;
  /** Skip the least-privilege rules (and the staleness of opt-ins): the set was declared by an earlier deploy. */
  readonly declaredBefore: boolean;
}

export const MIN_REASON_LENGTH = 10;
export const MAX_REASON_LENGTH = 500;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

const OPT_IN_HINT = 'refused as a path to the master account; if this user truly needs it, name it in allowPrivileged.grants with a reason';

/** A declared privilege on a target that passed the catalogue checks, with where it was declared. */
interface DeclaredPrivilege {
  readonly target: GrantTarget;
  readonly privilege: string;
  readonly grantIndex: number;
  readonly privilegeIndex: number;
  readonly declared: string;
}

/**
 * Normalizes a user's grants and its opt-in, reporting what the engine does not have, what the RDS master user cannot
 * grant, and what the least-privilege rules refuse and the opt-in does not name.
 */
export function validateGrants(
  grants: readonly UserGrant[],
  optIn: PrivilegedAccessOptIn | undefined,
  context: GrantRuleContext,
  report: ReportProblem,
): { grants: ValidatedGrant[]; allowPrivileged?: ValidatedOptIn } {
  const scope: PrivilegeScope = { engine: context.engine, lines: serverLinesOf(context.engine, context.engineVersion) };
  const declared = declaredPrivileges(grants, ['grants'], scope, report);
  const waivers = optIn === undefined ? [] : declaredPrivileges(optIn.grants, ['allowPrivileged', 'grants'], scope, report);
  if (optIn !== undefined) checkReason(optIn, waivers.length, report);
  if (!context.declaredBefore) {
    const waived = new Set(waivers.map(privilegeKey));
    reportRefused(declared.filter((entry) => !waived.has(privilegeKey(entry))), grants, context.engine, report);
    reportStaleWaivers(waivers, new Set(declared.map(privilegeKey)), context.engine, report);
  }
  return {
    grants: mergeByTarget(declared),
    ...(optIn === undefined ? {} : { allowPrivileged: { reason: optIn.reason, grants: mergeByTarget(waivers) } }),
  };
}

function privilegeKey(entry: Pick<DeclaredPrivilege, 'target' | 'privilege'>): string {
  return `${formatGrantTarget(entry.target)} ${entry.privilege}`;
}

/** The engine and the server lines a declaration may run on. */
interface PrivilegeScope {
  readonly engine: DatabaseEngineFamily;
  readonly lines: readonly ServerLine[];
}

/** Every privilege of the list the engine has at its target and the RDS master user can grant, `ALL` expanded. */
function declaredPrivileges(grants: readonly UserGrant[], path: DeclarationPath, scope: PrivilegeScope, report: ReportProblem): DeclaredPrivilege[] {
  const { engine } = scope;
  const result: DeclaredPrivilege[] = [];
  grants.forEach((grant, grantIndex) => {
    const grantPath = [...path, grantIndex];
    const checked = checkGrantTarget(grant.on);
    if ('problem' in checked) {
      report([...grantPath, 'on'], grant.on, checked.problem);
      return;
    }
    const { target } = checked;
    if (grant.privileges.length === 0) report([...grantPath, 'privileges'], grant.privileges, 'list at least one privilege');
    grant.privileges.forEach((declared, privilegeIndex) => {
      const name = canonicalPrivilegeName(engine, declared);
      const at = (privilege: string): DeclaredPrivilege => ({ target, privilege, grantIndex, privilegeIndex, declared });
      if (name === ALL_PRIVILEGES) {
        if (target.level === 'global') {
          report([...grantPath, 'privileges', privilegeIndex], declared, 'ALL PRIVILEGES ON *.* would include CREATE USER and every database, the mysql schema with its password hashes too; list the privileges instead');
        } else {
          result.push(...expandAllPrivileges(engine, target.level, scope.lines).map(at));
        }
        return;
      }
      const problem = catalogueProblem(scope, name, target);
      if (problem === undefined) {
        result.push(at(name));
        return;
      }
      // Never grantable on any version: say what it would do when that is the point (SUPER, SYSTEM_USER…), not the catalogue.
      const finding = privilegedGrantFinding(engine, name, target);
      const message = finding?.subject === 'privilege' && !finding.waivable && finding.unreviewed !== true ? `${name} ${finding.reason}: this project never grants it` : problem;
      report([...grantPath, 'privileges', privilegeIndex], declared, message);
    });
  });
  return result;
}

/** Why the engine, its version or the RDS master user rule the privilege out at the target, or undefined when a deploy can grant it. */
function catalogueProblem(scope: PrivilegeScope, name: string, target: GrantTarget): string | undefined {
  const { engine, lines } = scope;
  const levels = privilegeLevels(engine, name, lines);
  const where = lines.map(serverLineName).join(', ');
  if (levels === undefined) {
    if (engine === 'mariadb' && isDynamicPrivilegeOn(serverLinesOf('mysql'), name)) {
      return `is a MySQL dynamic privilege, and this database's engine is MariaDB, which has none (GRANT ${name} is a syntax error there); remove it from this user`;
    }
    if (isDynamicPrivilegeOn(serverLinesOf(engine), name)) {
      const elsewhere = serverLinesOf(engine).filter((line) => isDynamicPrivilegeOn([line], name));
      return `is not a privilege of ${where}, this database's version; it exists on ${elsewhere.map(serverLineName).join(', ')}`;
    }
    return `is not a ${engine === 'mysql' ? 'MySQL' : 'MariaDB'} privilege this project grants; known: ${knownPrivileges(engine, lines).join(', ')}, ALL`;
  }
  if (!levels.includes(target.level)) return `can only be granted at the ${levels.join(' or ')} level, not on ${formatGrantTarget(target)}`;
  if (!rdsMasterCanGrant(engine, name, lines)) {
    return !isStaticPrivilege(engine, name)
      ? `is withheld from the RDS master user on ${where}, so no deploy could grant it`
      : 'cannot be granted by the RDS master user, so no deploy could grant it';
  }
  return undefined;
}

/**
 * The least-privilege findings of what is not waived. Rules about the target (`system-schema`, `*.*`) are reported
 * once per grant on its `on`, naming the privileges; rules about a privilege, on that privilege.
 */
function reportRefused(entries: readonly DeclaredPrivilege[], grants: readonly UserGrant[], engine: DatabaseEngineFamily, report: ReportProblem): void {
  const byTarget = new Map<string, { grantIndex: number; finding: PrivilegedGrantFinding; privileges: string[] }>();
  for (const entry of entries) {
    const finding = privilegedGrantFinding(engine, entry.privilege, entry.target);
    if (finding === undefined) continue;
    if (finding.subject === 'privilege') {
      report(['grants', entry.grantIndex, 'privileges', entry.privilegeIndex], entry.declared, `${entry.privilege} ${finding.reason}; ${OPT_IN_HINT}`);
      continue;
    }
    const key = `${entry.grantIndex} ${finding.reason}`;
    const group = byTarget.get(key) ?? { grantIndex: entry.grantIndex, finding, privileges: [] };
    byTarget.set(key, group);
    if (!group.privileges.includes(entry.privilege)) group.privileges.push(entry.privilege);
  }
  for (const { grantIndex, finding, privileges } of byTarget.values()) {
    report(['grants', grantIndex, 'on'], grants[grantIndex].on, `${finding.reason} (declared here: ${privileges.sort().join(', ')}); ${OPT_IN_HINT}`);
  }
}

/** An opt-in must waive something declared and refused: one that waives nothing would outlive its need unseen. */
function reportStaleWaivers(waivers: readonly DeclaredPrivilege[], declared: ReadonlySet<string>, engine: DatabaseEngineFamily, report: ReportProblem): void {
  for (const waiver of waivers) {
    const on = formatGrantTarget(waiver.target);
    const path = ['allowPrivileged', 'grants', waiver.grantIndex, 'privileges', waiver.privilegeIndex];
    if (!declared.has(privilegeKey(waiver))) {
      report(path, waiver.declared, `waives ${waiver.privilege} on ${on}, which grants does not declare; declare it there too, or remove it here`);
    } else if (privilegedGrantFinding(engine, waiver.privilege, waiver.target) === undefined) {
      report(path, waiver.declared, `${waiver.privilege} on ${on} is not refused by any rule, so it needs no opt-in; remove it here`);
    }
  }
}

function checkReason(optIn: PrivilegedAccessOptIn, waiverCount: number, report: ReportProblem): void {
  const reason = optIn.reason.trim();
  if (reason.length < MIN_REASON_LENGTH || reason.length > MAX_REASON_LENGTH) {
    report(['allowPrivileged', 'reason'], optIn.reason, `must say why this user needs these grants in ${MIN_REASON_LENGTH} to ${MAX_REASON_LENGTH} characters (it has ${reason.length})`);
  } else if (CONTROL_CHARACTER.test(optIn.reason)) {
    report(['allowPrivileged', 'reason'], optIn.reason, 'must be one line of text, without control characters');
  }
  if (optIn.grants.length === 0 && waiverCount === 0) {
    report(['allowPrivileged', 'grants'], optIn.grants, 'list the refused grants this user may have; without any, remove allowPrivileged');
  }
}

function mergeByTarget(entries: readonly DeclaredPrivilege[]): ValidatedGrant[] {
  const byTarget = new Map<string, { target: GrantTarget; privileges: Set<string> }>();
  for (const entry of entries) {
    const key = formatGrantTarget(entry.target);
    const merged = byTarget.get(key) ?? { target: entry.target, privileges: new Set<string>() };
    byTarget.set(key, merged);
    merged.privileges.add(entry.privilege);
  }
  return [...byTarget.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { target, privileges }]) => ({ target, privileges: [...privileges].sort() }));
}
