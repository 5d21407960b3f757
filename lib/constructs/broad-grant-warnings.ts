import { Annotations, CfnResource, Lazy } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { broadGrantFindings } from '../review/broad-grant-rules';
import {
  ACKNOWLEDGED_WARNINGS_METADATA_KEY,
  acknowledgementProblems,
  assessFindings,
  type WarningAcknowledgement,
} from '../review/warning-acknowledgement';
import type { DatabaseUserSpec } from '../users/database-user-spec';
import { validateUserSpecs } from '../users/validate-user-specs';
import type { DatabaseUserProvisioner } from './database-user-provisioner';
import { IamDatabaseDeclarationError } from './declaration-error';

/** Warning id for an acknowledgement that no grant of the user needs (a stale reason misleads reviewers). */
export const UNNEEDED_ACKNOWLEDGEMENT_ID = 'rds-iam-mysql:UnneededAcknowledgement';

/** Acknowledgements per provisioner, written once into its custom resource's metadata. */
const recorded = new WeakMap<DatabaseUserProvisioner, Map<string, readonly WarningAcknowledgement[]>>();

/**
 * Synth-time warnings (shown by `cdk synth`) for a user's broad grants, by the rules `rds-iam diff` flags with. An
 * acknowledged grant raises none; its reason is recorded in the provisioner custom resource's metadata for the access
 * review. Call after the declaration itself was validated.
 */
export function reportBroadGrants(
  user: IConstruct,
  provisioner: DatabaseUserProvisioner,
  spec: DatabaseUserSpec,
  acknowledgements: readonly WarningAcknowledgement[] | undefined,
): void {
  const problems = acknowledgementProblems(acknowledgements, 'acknowledgeWarnings');
  if (problems.length > 0) {
    throw new IamDatabaseDeclarationError(user, `invalid database user declaration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
  const { database } = provisioner;
  const [validated] = validateUserSpecs([spec], { engine: database.engine, masterUsername: database.masterUsername });
  const { assessed, unneeded } = assessFindings(broadGrantFindings(database.engine, validated.grants), acknowledgements ?? []);
  const annotations = Annotations.of(user);
  // An acknowledged grant is silent, as a suppressed cdk-nag finding is: its reason is in the template for reviewers.
  for (const { finding } of assessed.filter((entry) => entry.acknowledgedBecause === undefined)) {
    annotations.addWarningV2(
      finding.ruleId,
      `database user ${spec.username} ${finding.summary}. Fix: ${finding.fix}, or keep it and say why: ` +
        `acknowledgeWarnings: [{ id: '${finding.ruleId}', reason: '…' }]`,
    );
  }
  for (const acknowledgement of unneeded) {
    annotations.addWarningV2(
      UNNEEDED_ACKNOWLEDGEMENT_ID,
      `database user ${spec.username} acknowledges ${acknowledgement.id}, but none of its grants raises it: remove the acknowledgement`,
    );
  }
  if (acknowledgements !== undefined && acknowledgements.length > 0) record(provisioner, spec.username, acknowledgements);
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
