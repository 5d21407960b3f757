import { PROVISIONER_RESOURCE_TYPE, ProvisionerProperty } from '../contracts/provisioner/provisioner-properties';
import type { AssemblyStack } from './cloud-assembly';
import { RehearsalError } from './rehearsal-error';

/**
 * Refuses, before anything starts, a stack whose provisioner logs in as an IAM admin user (`adminUser`): the
 * rehearsal models the master secret login only (it neither makes that admin on the emulator as part of "the database
 * as found" nor signs the Lambda's tokens with a key the emulator trusts), so the run would only fail at its first
 * event with a refused token that says nothing of the stack.
 */
export function refuseUnmodelledLogins(stack: AssemblyStack): void {
  for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
    if (resource.Type !== PROVISIONER_RESOURCE_TYPE) continue;
    const admin = resource.Properties?.[ProvisionerProperty.AdminIamUsername];
    if (admin === undefined) continue;
    throw new RehearsalError(
      'RDS_IAM_REHEARSAL_UNSUPPORTED_TEMPLATE',
      `stack ${stack.stackName}: provisioner ${logicalId} logs in as the IAM admin user ${JSON.stringify(String(admin).slice(0, 64))} ` +
        '(adminUser), which the rehearsal does not model: it rehearses provisioners that log in as the master user. ' +
        'Rehearse the stack synthesized without adminUser, and check the admin itself with `rds-iam plan --stack ' +
        `${stack.stackName}\` against the database (it logs in as that admin).`,
    );
  }
}
