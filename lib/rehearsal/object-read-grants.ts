import { PROVISIONER_RESOURCE_TYPE } from '../contracts/provisioner/provisioner-properties';
import type { CloudFormationTemplate } from './cloudformation-template';
import type { IntrinsicResolver } from './intrinsic-functions';

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
  const documents: unknown[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::IAM::Policy') {
      const attached = Array.isArray(resource.Properties?.Roles) ? (resource.Properties.Roles as unknown[]) : [];
      if (attached.some((role) => isRecord(role) && typeof role.Ref === 'string' && roles.has(role.Ref))) documents.push(resource.Properties?.PolicyDocument);
    } else if (resource.Type === 'AWS::IAM::Role' && roles.has(logicalId)) {
      const inline = Array.isArray(resource.Properties?.Policies) ? (resource.Properties.Policies as unknown[]) : [];
      documents.push(...inline.map((policy) => (isRecord(policy) ? policy.PolicyDocument : undefined)));
    }
  }
  return documents.flatMap((document) => {
    const statements = isRecord(document) ? document.Statement : undefined;
    return (Array.isArray(statements) ? statements : [statements]).flatMap((statement) => {
      if (!isRecord(statement) || statement.Effect !== 'Allow' || !allowsGetObject(statement.Action)) return [];
      const resources = resolver.resolve(statement.Resource);
      return (Array.isArray(resources) ? resources : [resources]).filter((value): value is string => typeof value === 'string');
    });
  });
}

/** Whether an IAM resource pattern (`*` any run of characters, `?` one) covers an ARN. */
export function iamResourceMatches(pattern: string, arn: string): boolean {
  const expression = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${expression}$`).test(arn);
}

function allowsGetObject(action: unknown): boolean {
  const actions = Array.isArray(action) ? action : [action];
  return actions.some((name) => typeof name === 'string' && iamResourceMatches(name.toLowerCase(), 's3:getobject'));
}

function getAttTarget(value: unknown): string | undefined {
  const getAtt = isRecord(value) ? value['Fn::GetAtt'] : undefined;
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
