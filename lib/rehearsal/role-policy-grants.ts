import { isRecord } from '../review/cloudformation-template';
import type { CloudFormationTemplate } from './cloudformation-template';
import type { IntrinsicResolver } from './intrinsic-functions';

/**
 * What the template's IAM policies allow each of its roles to do with one action: the resources of every `Allow`
 * statement whose actions cover it, in the `AWS::IAM::Policy` resources attached to the role (`Roles: [{ Ref }]`) and
 * the role's inline `Policies`, resolved as CloudFormation would. Statements with conditions are taken as allowing.
 *
 * Not read: `Deny`, `NotAction` / `NotResource`, managed policies, permission boundaries and policies outside the template.
 * @returns resource patterns by the role's logical id; roles without such a statement are absent.
 */
export function roleGrants(template: CloudFormationTemplate, resolver: IntrinsicResolver, action: string): Map<string, string[]> {
  const grants = new Map<string, string[]>();
  const add = (role: string, document: unknown): void => {
    const resources = allowedResources(document, resolver, action);
    if (resources.length > 0) grants.set(role, [...(grants.get(role) ?? []), ...resources]);
  };
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::IAM::Policy') {
      const attached = Array.isArray(resource.Properties?.Roles) ? (resource.Properties.Roles as unknown[]) : [];
      for (const role of attached) if (isRecord(role) && typeof role.Ref === 'string') add(role.Ref, resource.Properties?.PolicyDocument);
    } else if (resource.Type === 'AWS::IAM::Role') {
      const inline = Array.isArray(resource.Properties?.Policies) ? (resource.Properties.Policies as unknown[]) : [];
      for (const policy of inline) add(logicalId, isRecord(policy) ? policy.PolicyDocument : undefined);
    }
  }
  return grants;
}

/** Whether an IAM resource pattern (`*` any run of characters, `?` one) covers an ARN. */
export function iamResourceMatches(pattern: string, arn: string): boolean {
  const expression = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${expression}$`).test(arn);
}

function allowedResources(document: unknown, resolver: IntrinsicResolver, action: string): string[] {
  const statements = isRecord(document) ? document.Statement : undefined;
  return (Array.isArray(statements) ? statements : [statements]).flatMap((statement) => {
    if (!isRecord(statement) || statement.Effect !== 'Allow' || !allows(statement.Action, action)) return [];
    const resources = resolver.resolve(statement.Resource);
    return (Array.isArray(resources) ? resources : [resources]).filter((value): value is string => typeof value === 'string');
  });
}

/** IAM compares action names case-insensitively, with `*` and `?` patterns. */
function allows(listed: unknown, action: string): boolean {
  const actions = Array.isArray(listed) ? listed : [listed];
  return actions.some((name) => typeof name === 'string' && iamResourceMatches(name.toLowerCase(), action.toLowerCase()));
}
