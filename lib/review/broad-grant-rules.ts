import type { DatabaseEngineFamily } from '../users/database-user-spec';
import { formatGrantTarget } from '../users/grant-target';
import { expandAllPrivileges } from '../users/privileges';
import { isWritePrivilege } from '../users/read-only-privileges';
import type { ValidatedGrant } from '../users/validate-user-specs';

/**
 * Grants broad enough that a reviewer should see a reason for them. Each rule is one pure function of a user's
 * normalized grants (canonical names, `ALL` expanded, as the custom resource carries them), so `cdk synth` warns and
 * `rds-iam diff` flags by the very same rule.
 */

export const BroadGrantRuleId = {
  /** A privilege that changes data or schema, on `*.*`: every database, including ones created later. */
  WriteOnEveryDatabase: 'rds-iam-mysql:WriteOnEveryDatabase',
  /** Only reading privileges, but on `*.*`: every database, including ones created later. */
  ReadOnEveryDatabase: 'rds-iam-mysql:ReadOnEveryDatabase',
  /** `ALL` (every privilege the RDS master user can grant) on a database or table. */
  AllPrivileges: 'rds-iam-mysql:AllPrivileges',
} as const;

export type BroadGrantRuleId = (typeof BroadGrantRuleId)[keyof typeof BroadGrantRuleId];

export const BROAD_GRANT_RULE_IDS: readonly BroadGrantRuleId[] = Object.values(BroadGrantRuleId);

/** One broad grant of one user. */
export interface BroadGrantFinding {
  readonly ruleId: BroadGrantRuleId;
  /** The grant target, `*.*`, `db.*` or `db.table`. */
  readonly on: string;
  /** What makes it broad, e.g. `write privileges ALTER, DELETE ON *.*`. */
  readonly summary: string;
  /** What to do instead. */
  readonly fix: string;
}

type Rule = (engine: DatabaseEngineFamily, grant: ValidatedGrant) => BroadGrantFinding | undefined;

const writeOnEveryDatabase: Rule = (_engine, grant) => {
  const writes = grant.privileges.filter(isWritePrivilege);
  if (grant.target.level !== 'global' || writes.length === 0) return undefined;
  return {
    ruleId: BroadGrantRuleId.WriteOnEveryDatabase,
    on: '*.*',
    summary: `may change every database, including ones created later: ${writes.join(', ')} ON *.*`,
    fix: "grant on the databases it needs ('orders.*')",
  };
};

const readOnEveryDatabase: Rule = (_engine, grant) => {
  if (grant.target.level !== 'global' || grant.privileges.some(isWritePrivilege)) return undefined;
  return {
    ruleId: BroadGrantRuleId.ReadOnEveryDatabase,
    on: '*.*',
    summary: `may read every database, including ones created later: ${grant.privileges.join(', ')} ON *.*`,
    fix: "grant on the databases it needs ('orders.*')",
  };
};

const allPrivileges: Rule = (engine, grant) => {
  if (!isAllPrivileges(engine, grant)) return undefined;
  const on = formatGrantTarget(grant.target);
  return {
    ruleId: BroadGrantRuleId.AllPrivileges,
    on,
    summary: `holds ALL PRIVILEGES ON ${on}, DROP and ALTER included`,
    fix: 'list the privileges it needs',
  };
};

const RULES: readonly Rule[] = [writeOnEveryDatabase, readOnEveryDatabase, allPrivileges];

/** True when the grant holds every privilege `ALL` expands to at its level (what the custom resource carries for `ALL`). */
export function isAllPrivileges(engine: DatabaseEngineFamily, grant: ValidatedGrant): boolean {
  if (grant.target.level === 'global') return false; // refused at validation: the master user cannot grant it
  const held = new Set(grant.privileges);
  return expandAllPrivileges(engine, grant.target.level).every((privilege) => held.has(privilege));
}

/** Every broad grant among a user's grants, in grant order then rule order. */
export function broadGrantFindings(engine: DatabaseEngineFamily, grants: readonly ValidatedGrant[]): BroadGrantFinding[] {
  return grants.flatMap((grant) => RULES.flatMap((rule) => rule(engine, grant) ?? []));
}
