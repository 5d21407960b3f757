import { isRecord, type TemplateResource } from './cloudformation-template';
import { type DbUserResource, matchesIamPattern, parseDbUserResource } from './db-user-resource';
import { expressionKey, renderExpression } from './intrinsic-expression';

/**
 * Who may call `rds-db:connect` on which database user, as a template grants it: every `Allow` statement whose
 * actions cover `rds-db:connect`, in `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy` (attached directly or through a
 * `ManagedPolicyArns` reference), inline `Policies` of roles, users and groups, and `AWS::IAM::RolePolicy` (and its
 * user and group forms).
 *
 * Not read: `Deny` and `NotAction` / `NotResource` statements, permission boundaries, and policies outside the template.
 */
export interface ConnectGrant {
  /** `role ConnectRoleOrdersApiE94B4D6E`, `existing role orders-api`, `user …`, `group …`. */
  readonly principal: string;
  readonly resource: DbUserResource;
}

const CONNECT_ACTION = 'rds-db:connect';
const PRINCIPAL_KINDS = { Roles: 'role', Users: 'user', Groups: 'group' } as const;
const IDENTITY_TYPES: Readonly<Record<string, string>> = { 'AWS::IAM::Role': 'role', 'AWS::IAM::User': 'user', 'AWS::IAM::Group': 'group' };
const SINGLE_IDENTITY_POLICIES: Readonly<Record<string, readonly [string, string]>> = {
  'AWS::IAM::RolePolicy': ['RoleName', 'role'],
  'AWS::IAM::UserPolicy': ['UserName', 'user'],
  'AWS::IAM::GroupPolicy': ['GroupName', 'group'],
};

/** Every rds-db:connect grant of the template, deduplicated, in a stable order. */
export function connectGrantsOf(resources: readonly TemplateResource[]): ConnectGrant[] {
  const byLogicalId = new Map(resources.map((resource) => [resource.logicalId, resource]));
  const grants = new Map<string, ConnectGrant>();
  const add = (principals: readonly string[], document: unknown): void => {
    for (const resource of connectResources(document)) {
      for (const principal of principals) grants.set(`${principal}\n${expressionKey(resource.resourceId)}\n${resource.username}`, { principal, resource });
    }
  };
  for (const resource of resources) {
    const { properties } = resource;
    if (resource.type === 'AWS::IAM::Policy' || resource.type === 'AWS::IAM::ManagedPolicy') {
      const attachedBy = resource.type === 'AWS::IAM::ManagedPolicy' ? identitiesAttaching(resource.logicalId, resources) : [];
      add([...listedPrincipals(properties, byLogicalId), ...attachedBy], properties.PolicyDocument);
    } else if (resource.type in IDENTITY_TYPES) {
      const policies = Array.isArray(properties.Policies) ? properties.Policies : [];
      for (const policy of policies) add([`${IDENTITY_TYPES[resource.type]} ${resource.logicalId}`], isRecord(policy) ? policy.PolicyDocument : undefined);
    } else if (resource.type in SINGLE_IDENTITY_POLICIES) {
      const [property, kind] = SINGLE_IDENTITY_POLICIES[resource.type];
      add([principalName(kind, properties[property], byLogicalId)], properties.PolicyDocument);
    }
  }
  const proxyOfRole = proxiesByRole(resources);
  return [...grants.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, grant]) => {
      // An RDS Proxy's own role connects for the clients the proxy lets through: say so, not as any other principal.
      const proxy = proxyOfRole.get(grant.principal);
      return proxy === undefined ? grant : { ...grant, principal: `${grant.principal} (RDS Proxy ${proxy}'s own role: it logs in for the clients the proxy lets through)` };
    });
}

/** `role <logical id>` of each role an `AWS::RDS::DBProxy` of the template uses (`RoleArn`), to that proxy's logical id. */
function proxiesByRole(resources: readonly TemplateResource[]): Map<string, string> {
  const proxies = new Map<string, string>();
  for (const resource of resources) {
    if (resource.type !== 'AWS::RDS::DBProxy') continue;
    const getAtt = isRecord(resource.properties.RoleArn) ? resource.properties.RoleArn['Fn::GetAtt'] : undefined;
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && getAtt[1] === 'Arn') proxies.set(`role ${getAtt[0]}`, resource.logicalId);
  }
  return proxies;
}

/** True when the IAM action pattern (case-insensitive, `*` and `?`) covers rds-db:connect. */
export function coversConnect(action: string): boolean {
  return matchesIamPattern(action.toLowerCase(), CONNECT_ACTION);
}

function connectResources(document: unknown): DbUserResource[] {
  if (!isRecord(document)) return [];
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return statements.flatMap((statement): DbUserResource[] => {
    if (!isRecord(statement) || statement.Effect !== 'Allow' || statement.Action === undefined) return [];
    const actions = ([] as unknown[]).concat(statement.Action);
    if (!actions.some((action) => typeof action === 'string' && coversConnect(action))) return [];
    return ([] as unknown[]).concat(statement.Resource ?? []).flatMap((resource) => parseDbUserResource(resource) ?? []);
  });
}

function listedPrincipals(properties: Readonly<Record<string, unknown>>, byLogicalId: ReadonlyMap<string, TemplateResource>): string[] {
  return Object.entries(PRINCIPAL_KINDS).flatMap(([property, kind]) =>
    (Array.isArray(properties[property]) ? (properties[property] as unknown[]) : []).map((entry) => principalName(kind, entry, byLogicalId)),
  );
}

/** Roles, users and groups of the template that list the managed policy in `ManagedPolicyArns`. */
function identitiesAttaching(policyLogicalId: string, resources: readonly TemplateResource[]): string[] {
  return resources.flatMap((resource) => {
    const kind = IDENTITY_TYPES[resource.type];
    const arns = resource.properties.ManagedPolicyArns;
    if (kind === undefined || !Array.isArray(arns)) return [];
    return arns.some((arn) => expressionKey(arn) === expressionKey({ Ref: policyLogicalId })) ? [`${kind} ${resource.logicalId}`] : [];
  });
}

/** `role <logical id>` for an identity of this template, `existing role <name>` for a name, else the expression. */
function principalName(kind: string, entry: unknown, byLogicalId: ReadonlyMap<string, TemplateResource>): string {
  if (typeof entry === 'string') return `existing ${kind} ${entry}`;
  const ref = isRecord(entry) ? entry.Ref : undefined;
  if (typeof ref === 'string' && byLogicalId.has(ref)) return `${kind} ${ref}`;
  return `${kind} ${renderExpression(entry)}`;
}
