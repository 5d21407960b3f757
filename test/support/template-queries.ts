import type { Template } from 'aws-cdk-lib/assertions';

/** Small readers over a synthesized template, so assertions say what they check. */

export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Record<string, unknown>;
  readonly dependsOn: readonly string[];
}

export function resourcesOfType(template: Template, type: string): TemplateResource[] {
  const resources = (template.toJSON().Resources ?? {}) as Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[] }>;
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId, resource]) => ({
      logicalId,
      type: resource.Type,
      properties: resource.Properties ?? {},
      dependsOn: resource.DependsOn === undefined ? [] : ([] as string[]).concat(resource.DependsOn),
    }));
}

export function onlyResourceOfType(template: Template, type: string): TemplateResource {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0];
}

export interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every statement of every AWS::IAM::Policy, with the roles the policy is attached to. */
export function policyStatements(template: Template): { roles: unknown[]; statement: PolicyStatement }[] {
  return resourcesOfType(template, 'AWS::IAM::Policy').flatMap((policy) => {
    const document = policy.properties.PolicyDocument as { Statement: PolicyStatement[] };
    const roles = (policy.properties.Roles ?? []) as unknown[];
    return document.Statement.map((statement) => ({ roles, statement }));
  });
}

export function actionsOf(statement: PolicyStatement): string[] {
  return ([] as string[]).concat(statement.Action);
}

export function resourcesOf(statement: PolicyStatement): unknown[] {
  return ([] as unknown[]).concat(statement.Resource);
}

/** The rds-db:connect ARN as aws-cdk-lib renders `Stack.formatArn` with a token resource id, in a stack with a region (cdk.json's `@aws-cdk/core:enablePartitionLiterals` writes the partition `aws`). */
export function renderedDbUserArn(region: string, account: string, resourceId: unknown, username: string): unknown {
  return {
    'Fn::Join': ['', [`arn:aws:rds-db:${region}:${account}:dbuser:`, resourceId, `/${username}`]],
  };
}

export interface EgressRule {
  readonly IpProtocol: string;
  readonly FromPort?: unknown;
  readonly ToPort?: unknown;
}

/** Every egress rule of a security group: inline ones and AWS::EC2::SecurityGroupEgress resources. */
export function egressRules(template: Template, securityGroupLogicalId: string): EgressRule[] {
  const resources = template.toJSON().Resources as Record<string, { Properties?: { SecurityGroupEgress?: EgressRule[] } }>;
  const inline = resources[securityGroupLogicalId]?.Properties?.SecurityGroupEgress ?? [];
  const separate = resourcesOfType(template, 'AWS::EC2::SecurityGroupEgress')
    .filter((rule) => JSON.stringify(rule.properties.GroupId) === JSON.stringify({ 'Fn::GetAtt': [securityGroupLogicalId, 'GroupId'] }))
    .map((rule) => rule.properties as unknown as EgressRule);
  return [...inline, ...separate];
}
