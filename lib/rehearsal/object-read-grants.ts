import { PROVISIONER_RESOURCE_TYPE } from '../contracts/provisioner/provisioner-properties';
import type { CloudFormationTemplate } from './cloudformation-template';
import type { IntrinsicResolver } from './intrinsic-functions';
import { isRecord } from '../review/cloudformation-template';
import { roleGrants } from './role-policy-grants';

/**
 * What the template lets the provisioner functions read from S3: the resources of every `s3:GetObject` Allow
 * statement in the IAM policies of their execution roles (`AWS::IAM::Policy` attached to the role, and the role's
 * inline policies), resolved as CloudFormation would. Statements with conditions are taken as allowing.
 */
export function provisionerObjectReadGrants(template: CloudFormationTemplate, resolver: IntrinsicResolver): string[] {
  const roles = new Set<string>();
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== PROVISIONER_RESOURCE_TYPE) continue;
    const handler = getAttTarget(resource.Properties?.ServiceToken);
    const role = handler === undefined ? undefined : getAttTarget(template.Resources[handler]?.Properties?.Role);
    if (role !== undefined) roles.add(role);
  }
  const grants = roleGrants(template, resolver, 's3:GetObject');
  return [...roles].flatMap((role) => grants.get(role) ?? []);
}

/** The logical id a `Fn::GetAtt` names. */
export function getAttTarget(value: unknown): string | undefined {
  const getAtt = isRecord(value) ? value['Fn::GetAtt'] : undefined;
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}
