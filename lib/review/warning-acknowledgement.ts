import { isRecord, TemplateReadError } from './cloudformation-template';
import { BROAD_GRANT_RULE_IDS, type BroadGrantFinding, type BroadGrantRuleId } from './broad-grant-rules';

/**
 * A broad grant kept on purpose: the rule's id and the reason, declared on the user (as cdk-nag's suppressions are on
 * a resource). The reason travels in the provisioner custom resource's metadata, where `rds-iam diff` and the access
 * snapshot read it; metadata is not a property, so changing a reason never re-runs the provisioner.
 */
export interface WarningAcknowledgement {
  /** A {@link BroadGrantRuleId}, e.g. `rds-iam-mysql:WriteOnEveryDatabase`. */
  readonly id: BroadGrantRuleId;
  /** Why the grant is needed, for the reviewer: 10 to 300 characters. */
  readonly reason: string;
}

/** Metadata key of the provisioner custom resource: `{ "<user name>": [{ "id": …, "reason": … }] }`. */
export const ACKNOWLEDGED_WARNINGS_METADATA_KEY = 'rds-iam-mysql:acknowledgedWarnings';

export const REASON_LENGTH = { min: 10, max: 300 } as const;

/** A finding and, when acknowledged, the stated reason. */
export interface AssessedFinding {
  readonly finding: BroadGrantFinding;
  readonly acknowledgedBecause?: string;
}

/** Problems of declared acknowledgements as `field = value: why` lines, values quoted to 64 characters. */
export function acknowledgementProblems(acknowledgements: unknown, field: string): string[] {
  if (acknowledgements === undefined) return [];
  if (!Array.isArray(acknowledgements)) return [`${field} = ${quote(acknowledgements)}: must be a list of { id, reason }`];
  return acknowledgements.flatMap((entry: unknown, index) => {
    const at = `${field}[${index}]`;
    if (!isRecord(entry)) return [`${at} = ${quote(entry)}: must be { id, reason }`];
    const problems: string[] = [];
    if (typeof entry.id !== 'string' || !(BROAD_GRANT_RULE_IDS as readonly string[]).includes(entry.id)) {
      problems.push(`${at}.id = ${quote(entry.id)}: must be one of ${BROAD_GRANT_RULE_IDS.join(', ')}`);
    }
    const reason = typeof entry.reason === 'string' ? entry.reason.trim() : undefined;
    if (reason === undefined || reason.length < REASON_LENGTH.min || reason.length > REASON_LENGTH.max || /[\r\n]/.test(reason)) {
      problems.push(
        `${at}.reason = ${quote(entry.reason)}: state why the grant is needed in ${REASON_LENGTH.min} to ${REASON_LENGTH.max} characters on one line`,
      );
    }
    return problems;
  });
}

/** Pairs each finding with its acknowledgement; also returns acknowledgements no finding needs. */
export function assessFindings(
  findings: readonly BroadGrantFinding[],
  acknowledgements: readonly WarningAcknowledgement[],
): { readonly assessed: AssessedFinding[]; readonly unneeded: WarningAcknowledgement[] } {
  const assessed = findings.map((finding) => {
    const acknowledgement = acknowledgements.find((candidate) => candidate.id === finding.ruleId);
    return acknowledgement === undefined ? { finding } : { finding, acknowledgedBecause: acknowledgement.reason.trim() };
  });
  const unneeded = acknowledgements.filter((acknowledgement) => !findings.some((finding) => finding.ruleId === acknowledgement.id));
  return { assessed, unneeded };
}

/** The acknowledgements recorded in a provisioner resource's metadata, by user name; malformed entries are errors. */
export function acknowledgementsOfMetadata(metadata: Readonly<Record<string, unknown>>, origin: string): Map<string, WarningAcknowledgement[]> {
  const recorded = metadata[ACKNOWLEDGED_WARNINGS_METADATA_KEY];
  const byUser = new Map<string, WarningAcknowledgement[]>();
  if (recorded === undefined) return byUser;
  if (!isRecord(recorded)) throw new TemplateReadError(`${origin}: metadata ${ACKNOWLEDGED_WARNINGS_METADATA_KEY} must map user names to lists of { id, reason }`);
  for (const [username, entries] of Object.entries(recorded)) {
    const problems = acknowledgementProblems(entries, `${ACKNOWLEDGED_WARNINGS_METADATA_KEY}.${username}`);
    if (problems.length > 0) throw new TemplateReadError(`${origin}: ${problems.join('; ')}`);
    byUser.set(username, (entries as WarningAcknowledgement[]).map(({ id, reason }) => ({ id, reason: reason.trim() })));
  }
  return byUser;
}

function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}
