import { Stack, Token } from 'aws-cdk-lib';
import type { SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { IIamAuthDatabase } from './iam-auth-database';

/** The cluster or instance an RDS Proxy sits in front of. */
export type ProxyTargetDatabase = rds.IDatabaseCluster | rds.IDatabaseInstance;

/**
 * What an RDS Proxy with end-to-end IAM authentication cannot carry, found at synth: each entry names the property,
 * the value and the fix. Empty when the target is one the proxy can front for the provisioner's database.
 *
 * - The engine family must be `MYSQL` (Aurora MySQL, RDS for MySQL, RDS for MariaDB): the users are MySQL users.
 * - The engine must be the provisioner's: an Aurora MySQL cluster, or an instance of the same engine (`mysql` or
 *   `mariadb`), so the privileges validated for the users are the ones the target understands.
 * - The target must be the provisioner's database itself (same resource id): otherwise the proxy's role would be
 *   allowed to connect as users of one database while carrying connections to another, where they do not exist.
 * - The proxy's subnets must span two Availability Zones, which RDS requires of every proxy.
 */
export function proxyTargetProblems(target: ProxyTargetDatabase, database: IIamAuthDatabase, vpcSubnets: SubnetSelection): string[] {
  const problems: string[] = [];
  const kind = isCluster(target) ? 'cluster' : 'instance';
  const engine = target.engine;
  if (engine === undefined) {
    problems.push(
      `target: the ${kind} ${target.node.path} has no engine, so the proxy's engine family is unknown; import it with ` +
        '`engine:` (e.g. DatabaseClusterEngine.auroraMysql(...))',
    );
  } else {
    const family = engine.engineFamily;
    if (family !== 'MYSQL') {
      problems.push(
        `target: engine family ${JSON.stringify(family ?? null)} of ${target.node.path} cannot carry IAM MySQL users; ` +
          'an RDS Proxy for them fronts Aurora MySQL, RDS for MySQL or RDS for MariaDB (engine family MYSQL)',
      );
    } else if (!engineMatches(kind, engine.engineType, database.engine)) {
      problems.push(
        `target: ${kind} engine ${JSON.stringify(engine.engineType)} does not match the provisioner's database ` +
          `(${database.engine} users of ${database.displayName}); point the proxy at that database`,
      );
    }
  }
  const identity = sameDatabase(target, database);
  if (identity !== undefined) problems.push(identity);
  const zones = new Set(database.vpc.selectSubnets(vpcSubnets).availabilityZones);
  if (zones.size < 2) {
    problems.push(
      `vpcSubnets select subnets in ${zones.size} Availability Zone(s); RDS Proxy needs subnets in at least two. ` +
        'Select subnets of two zones (the database subnets usually are)',
    );
  }
  return problems;
}

export function isCluster(target: ProxyTargetDatabase): target is rds.IDatabaseCluster {
  return 'clusterIdentifier' in target;
}

function engineMatches(kind: 'cluster' | 'instance', engineType: string, engine: IIamAuthDatabase['engine']): boolean {
  return kind === 'cluster' ? engineType === 'aurora-mysql' && engine === 'mysql' : engineType === engine;
}

/** A problem when the target is provably another database than the provisioner's, or cannot be identified. */
function sameDatabase(target: ProxyTargetDatabase, database: IIamAuthDatabase): string | undefined {
  const targetId = targetResourceId(target);
  if (targetId === undefined) {
    return (
      `target: ${target.node.path} was imported without its resource id, so it cannot be checked to be ` +
        `${database.displayName}; import it with clusterResourceIdentifier / instanceResourceId`
    );
  }
  const stack = Stack.of(target);
  const resolved = (value: string) => JSON.stringify(stack.resolve(value));
  if (resolved(targetId) === resolved(database.resourceId)) return undefined;
  const shown = (value: string) => (Token.isUnresolved(value) ? resolved(value).slice(0, 64) : JSON.stringify(value.slice(0, 64)));
  return (
    `target: ${target.node.path} (resource id ${shown(targetId)}) is not the provisioner's database ` +
    `${database.displayName} (resource id ${shown(database.resourceId)}); a proxy carries the users of the database it fronts`
  );
}

function targetResourceId(target: ProxyTargetDatabase): string | undefined {
  if (isCluster(target)) {
    try {
      return target.clusterResourceIdentifier;
    } catch {
      return undefined; // an import without it throws on use
    }
  }
  // As IamAuthDatabase.fromInstance: the DbiResourceId attribute, not `instanceResourceId` (the ARN without a flag).
  const resource = target.node.defaultChild;
  if (resource instanceof rds.CfnDBInstance) return resource.attrDbiResourceId;
  return target.instanceResourceId;
}
