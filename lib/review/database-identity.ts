import { ProvisionerProperty } from '../provisioning/provisioner-properties';
import { isRecord, type TemplateResource } from './cloudformation-template';
import { referencedLogicalIds } from '../rehearsal/cloudformation-template';
import { expressionKey, renderExpression } from './intrinsic-expression';

/**
 * Which rds-db:connect resource ids name the database of one provisioner custom resource: its resource id expression
 * (the `DatabaseResourceId` property; for templates without it, a `…ResourceId` attribute of the resource its
 * `Endpoint` comes from), `*`, or an RDS Proxy whose target group points at that database.
 */
export interface DatabaseIdentity {
  /** The resource id, readable: `GetAtt DatabaseB269D8BB.DBClusterResourceId`, `cluster-ABC…`. */
  readonly resourceId: string;
  /** How a grant on this resource id reaches the database (`{}` directly, `{ via: 'proxy P' }`), or undefined. */
  route(resourceId: unknown): { readonly via?: string } | undefined;
}


/** Resource id attribute of the database types aws-cdk-lib makes, for templates that do not carry the property. */
const RESOURCE_ID_ATTRIBUTE: Readonly<Record<string, string>> = {
  'AWS::RDS::DBCluster': 'DBClusterResourceId',
  'AWS::RDS::DBInstance': 'DbiResourceId',
};

/**
 * @param grantedResourceIds the resource ids of the template's rds-db:connect grants: without the property, the one
 *   of them that is this database's names its resource id.
 */
export function databaseIdentity(
  provisioner: TemplateResource,
  resources: readonly TemplateResource[],
  grantedResourceIds: readonly unknown[],
): DatabaseIdentity {
  const declared = provisioner.properties[ProvisionerProperty.DatabaseResourceId];
  const endpoint = provisioner.properties[ProvisionerProperty.Endpoint];
  const databaseLogicalId = [...referencedLogicalIds(declared ?? endpoint)][0];
  const database = resources.find((resource) => resource.logicalId === databaseLogicalId);
  const proxies = proxiesInFrontOf(databaseLogicalId, resources);

  const isOwnResourceId = (candidate: unknown): boolean => {
    if (declared !== undefined) return expressionKey(candidate) === expressionKey(declared);
    const getAtt = isRecord(candidate) ? candidate['Fn::GetAtt'] : undefined;
    const [target, attribute] = typeof getAtt === 'string' ? getAtt.split('.') : Array.isArray(getAtt) ? getAtt : [];
    return databaseLogicalId !== undefined && target === databaseLogicalId && typeof attribute === 'string' && /ResourceId$/i.test(attribute);
  };

  const inferredAttribute = database === undefined ? undefined : RESOURCE_ID_ATTRIBUTE[database.type];
  const granted = grantedResourceIds.find(isOwnResourceId);
  const resourceId =
    declared !== undefined
      ? renderExpression(declared)
      : inferredAttribute !== undefined
        ? `GetAtt ${databaseLogicalId}.${inferredAttribute}`
        : granted !== undefined
          ? renderExpression(granted)
          : `a …ResourceId attribute of ${databaseLogicalId ?? renderExpression(endpoint)}`;

  return {
    resourceId,
    route: (candidate) => {
      if (candidate === '*' || isOwnResourceId(candidate)) return {};
      const proxy = proxies.find((logicalId) => referencedLogicalIds(candidate).has(logicalId));
      return proxy === undefined ? undefined : { via: `proxy ${proxy}` };
    },
  };
}

/** Logical ids of the `AWS::RDS::DBProxy` resources whose target group targets the database. */
function proxiesInFrontOf(databaseLogicalId: string | undefined, resources: readonly TemplateResource[]): string[] {
  if (databaseLogicalId === undefined) return [];
  return resources
    .filter((resource) => resource.type === 'AWS::RDS::DBProxyTargetGroup')
    .filter((group) =>
      [group.properties.DBClusterIdentifiers, group.properties.DBInstanceIdentifiers].some((targets) => referencedLogicalIds(targets).has(databaseLogicalId)),
    )
    .flatMap((group) => [...referencedLogicalIds(group.properties.DBProxyName)])
    .filter((logicalId) => resources.some((resource) => resource.logicalId === logicalId && resource.type === 'AWS::RDS::DBProxy'))
    .sort();
}
