import { Annotations, CfnResource, Lazy } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { broadGrantFindings } from '../review/broad-grant-rules';
import {
  ACKNOWLEDGED_WARNINGS_METADATA_KEY,
  acknowledgementProblems,
  assessFindings,
  type WarningAcknowledgement,
} from '../review/warning-acknowledgement';
import type { ValidatedUser } from '../users/validate-user-specs';
import type { DatabaseUserProvisioner } from './database-user-provisioner';
import { IamDatabaseDeclarationError } from './declaration-error';

/** Warning id for an acknowledgement that no grant of the user needs (a stale reason misleads reviewers). */
export const UNNEEDED_ACKNOWLEDGEMENT_ID = 'rds-iam-mysql:UnneededAcknowledgement';

/** Acknowledgements per provisioner, written once into its custom resource's metadata. */
const recorded = new WeakMap<DatabaseUserProvisioner, Map<string, readonly WarningAcknowledgement[]>>();

/** Refuses malformed acknowledgements before the user is declared anywhere, naming the construct and the field. */
export function assertAcknowledgementsWellFormed(user: IConstruct, acknowledgements: readonly WarningAcknowledgement[] | undefined): void {
  const problems = acknowledgementProblems(acknowledgements, 'acknowledgeWarnings');
  if (problems.length > 0) {
    throw new IamDatabaseDeclarationError(user, `invalid database user declaration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/**
 * Synth-time warnings (shown by `cdk synth`) for a user's broad grants, by the rules `rds-iam diff` flags with. An
 * acknowledged grant raises none; its reason is recorded in the provisioner custom resource's metadata for the access
 * review. Takes the declaration as validated (once, by the provisioner) and its acknowledgements as checked by
 * {@link assertAcknowledgementsWellFormed}.
 */
export function reportBroadGrants(
  user: IConstruct,
  provisioner: DatabaseUserProvisioner,
  validated: ValidatedUser,
  acknowledgements: readonly WarningAcknowledgement[] | undefined,
): void {
  const { database } = provisioner;
  const { assessed, unneeded } = assessFindings(broadGrantFindings(database.engine, validated.grants), acknowledgements ?? []);
  const annotations = Annotations.of(user);
  // An acknowledged grant is silent, as a suppressed cdk-nag finding is: its reason is in the template for reviewers.
  for (const { finding } of assessed.filter((entry) => entry.acknowledgedBecause === undefined)) {
    annotations.addWarningV2(
      finding.ruleId,
      `database user ${validated.username} ${finding.summary}. Fix: ${finding.fix}, or keep it and say why: ` +
        `acknowledgeWarnings: [{ id: '${finding.ruleId}', reason: '…' }]`,
    );
  }
  for (const acknowledgement of unneeded) {
    annotations.addWarningV2(
      UNNEEDED_ACKNOWLEDGEMENT_ID,
      `database user ${validated.username} acknowledges ${acknowledgement.id}, but none of its grants raises it: remove the acknowledgement`,
    );
  }
  if (acknowledgements !== undefined && acknowledgements.length > 0) record(provisioner, validated.username, acknowledgements);
}

function record(provisioner: DatabaseUserProvisioner, username: string, acknowledgements: readonly WarningAcknowledgement[]): void {
  let byUser = recorded.get(provisioner);
  if (byUser === undefined) {
    const created = new Map<string, readonly WarningAcknowledgement[]>();
    byUser = created;
    recorded.set(provisioner, created);
    const resource = provisioner.customResource.node.defaultChild as CfnResource;
    resource.addMetadata(
      ACKNOWLEDGED_WARNINGS_METADATA_KEY,
      Lazy.any({
        produce: () =>
          Object.fromEntries(
            [...created.entries()]
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([name, entries]) => [name, [...entries].sort((a, b) => (a.id < b.id ? -1 : 1)).map(({ id, reason }) => ({ id, reason: reason.trim() }))]),
          ),
      }),
    );
  }
  byUser.set(username, acknowledgements);
}
