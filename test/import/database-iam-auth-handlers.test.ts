import {
  AddTagsToResourceCommand,
  DBCluster,
  DBClusterNotFoundFault,
  DBInstance,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  InvalidDBClusterStateFault,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  RDSServiceException,
  RemoveTagsFromResourceCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { DatabaseIamAuthError } from '../../lambda/database-iam-auth/database-iam-auth-error';
import { DatabaseIamAuthContext, isComplete, onEvent } from '../../lambda/database-iam-auth/handlers';

const rdsMock = mockClient(RDSClient);
const context: DatabaseIamAuthContext = { rds: new RDSClient({ region: 'eu-west-1' }), log: () => undefined };

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:333333333333:secret:rds!cluster-1234-AbCdEf';
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:333333333333:stack/RdsIamMysql-prod/0f1e2d3c-4b5a-11f0-8a9b-0a1b2c3d4e5f';
const CLUSTER_ARN = 'arn:aws:rds:eu-west-1:333333333333:cluster:orders-prod';

function cluster(overrides: Partial<DBCluster> = {}): DBCluster {
  return {
    DBClusterIdentifier: 'orders-prod',
    DBClusterArn: CLUSTER_ARN,
    Engine: 'aurora-mysql',
    DbClusterResourceId: 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    Endpoint: 'orders-prod.cluster-c1a2b3.eu-west-1.rds.amazonaws.com',
    Port: 3306,
    Status: 'available',
    IAMDatabaseAuthenticationEnabled: true,
    MasterUserSecret: { SecretArn: SECRET_ARN, SecretStatus: 'active' },
    ...overrides,
  };
}

function instance(overrides: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: 'billing',
    DBInstanceArn: 'arn:aws:rds:eu-west-1:333333333333:db:billing',
    Engine: 'mariadb',
    DbiResourceId: 'db-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    Endpoint: { Address: 'billing.c1a2b3.eu-west-1.rds.amazonaws.com', Port: 3307 },
    DBInstanceStatus: 'available',
    IAMDatabaseAuthenticationEnabled: true,
    MasterUserSecret: { SecretArn: SECRET_ARN, SecretStatus: 'active' },
    ...overrides,
  };
}

function properties(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ServiceToken: 'arn:aws:lambda:eu-west-1:333333333333:function:framework',
    Kind: 'cluster',
    Identifier: 'orders-prod',
    Engine: 'mysql',
    RestoreOnDelete: 'false',
    MasterSecretDeclared: 'false',
    ...overrides,
  };
}

const instanceProperties = (overrides: Record<string, string> = {}) =>
  properties({ Kind: 'instance', Identifier: 'billing', Engine: 'mariadb', ...overrides });

const createEvent = (resourceProperties = properties()) => ({ RequestType: 'Create', StackId: STACK_ID, ResourceProperties: resourceProperties });
const pollEvent = (physicalResourceId: string, resourceProperties = properties(), requestType = 'Create') => ({
  RequestType: requestType,
  StackId: STACK_ID,
  ResourceProperties: resourceProperties,
  PhysicalResourceId: physicalResourceId,
});

async function caught(promise: Promise<unknown>): Promise<DatabaseIamAuthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DatabaseIamAuthError) return error;
    throw error;
  }
  throw new Error('expected a DatabaseIamAuthError');
}

beforeEach(() => {
  rdsMock.reset();
  rdsMock.on(AddTagsToResourceCommand).resolves({});
  rdsMock.on(RemoveTagsFromResourceCommand).resolves({});
});

describe('importing an existing cluster', () => {
  it('with IAM authentication already on, changes nothing and returns its attributes', async () => {
    rdsMock.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders-prod' }).resolves({ DBClusters: [cluster()] });

    const created = await onEvent(createEvent(), context);
    const polled = await isComplete(pollEvent(created.PhysicalResourceId), context);

    expect(created).toEqual({
      PhysicalResourceId: 'cluster:orders-prod:iam-auth-was-on',
      Data: {
        ResourceId: 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
        Endpoint: 'orders-prod.cluster-c1a2b3.eu-west-1.rds.amazonaws.com',
        Port: '3306',
        MasterSecretArn: SECRET_ARN,
      },
    });
    expect(polled).toEqual({ IsComplete: true, Data: created.Data });
    expect(rdsMock.commandCalls(ModifyDBClusterCommand)).toHaveLength(0);
  });

  it('with IAM authentication off, asks RDS to turn it on immediately and nothing else, then polls until applied', async () => {
    // Prepare: off, then modifying, then pending, then on.
    rdsMock
      .on(DescribeDBClustersCommand)
      .resolvesOnce({ DBClusters: [cluster({ IAMDatabaseAuthenticationEnabled: false })] })
      .resolvesOnce({ DBClusters: [cluster({ IAMDatabaseAuthenticationEnabled: false, Status: 'modifying' })] })
      .resolvesOnce({ DBClusters: [cluster({ IAMDatabaseAuthenticationEnabled: false, PendingModifiedValues: { IAMDatabaseAuthenticationEnabled: true } })] })
      .resolves({ DBClusters: [cluster()] });
    rdsMock.on(ModifyDBClusterCommand).resolves({});

    // Act
    const created = await onEvent(createEvent(), context);
    const polls = [];
    for (let poll = 0; poll < 3; poll += 1) polls.push(await isComplete(pollEvent(created.PhysicalResourceId), context));

    // Assess
    expect(created.PhysicalResourceId).toBe('cluster:orders-prod:iam-auth-was-off');
    expect(rdsMock.commandCalls(ModifyDBClusterCommand).map((call) => call.args[0].input)).toEqual([
      { DBClusterIdentifier: 'orders-prod', EnableIAMDatabaseAuthentication: true, ApplyImmediately: true },
    ]);
    expect(polls.map((poll) => poll.IsComplete)).toEqual([false, false, true]);
  });

  it('when the cluster is busy, waits and asks once it is available', async () => {
    rdsMock
      .on(DescribeDBClustersCommand)
      .resolvesOnce({ DBClusters: [cluster({ IAMDatabaseAuthenticationEnabled: false, Status: 'backing-up' })] })
      .resolvesOnce({ DBClusters: [cluster({ IAMDatabaseAuthenticationEnabled: false })] })
      .resolves({ DBClusters: [cluster()] });
    rdsMock.on(ModifyDBClusterCommand).resolves({});

    const created = await onEvent(createEvent(), context);
    expect(rdsMock.commandCalls(ModifyDBClusterCommand)).toHaveLength(0);

    expect((await isComplete(pollEvent(created.PhysicalResourceId), context)).IsComplete).toBe(false);
    expect(rdsMock.commandCalls(ModifyDBClusterCommand)).toHaveLength(1);
    expect((await isComplete(pollEvent(created.PhysicalResourceId), context)).IsComplete).toBe(true);
  });

  it('treats "the cluster is busy" from ModifyDBCluster as a reason to poll, not a failure', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster({ IAMDatabaseAuthenticationEnabled: false })] });
    rdsMock.on(ModifyDBClusterCommand).rejects(new InvalidDBClusterStateFault({ message: 'cluster is being modified', $metadata: {} }));

    const created = await onEvent(createEvent(), context);

    expect(created.PhysicalResourceId).toBe('cluster:orders-prod:iam-auth-was-off');
    expect((await isComplete(pollEvent(created.PhysicalResourceId), context)).IsComplete).toBe(false);
  });

  it('fails clearly when the cluster does not exist', async () => {
    rdsMock.on(DescribeDBClustersCommand).rejects(new DBClusterNotFoundFault({ message: 'DBCluster orders-prod not found.', $metadata: {} }));

    const error = await caught(onEvent(createEvent(), context));

    expect(error.code).toBe('RDS_IAM_DATABASE_NOT_FOUND');
    expect(error.message).toContain('cluster "orders-prod" does not exist');
    expect(error.message).toContain('instanceIdentifier');
  });

  it('fails clearly, keeping the cause, when DescribeDBClusters is refused', async () => {
    const denied = new RDSServiceException({ name: 'AccessDenied', $fault: 'client', message: 'not authorized to perform rds:DescribeDBClusters', $metadata: {} });
    rdsMock.on(DescribeDBClustersCommand).rejects(denied);

    const error = await caught(onEvent(createEvent(), context));

    expect(error.code).toBe('RDS_IAM_DESCRIBE_FAILED');
    expect(error.message).toContain('DescribeDBClusters for cluster "orders-prod" failed (AccessDenied');
    expect(error.cause).toBe(denied);
  });

  it('fails clearly when ModifyDBCluster is refused for another reason', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster({ IAMDatabaseAuthenticationEnabled: false })] });
    rdsMock.on(ModifyDBClusterCommand).rejects(new RDSServiceException({ name: 'AccessDenied', $fault: 'client', message: 'denied', $metadata: {} }));

    const error = await caught(onEvent(createEvent(), context));

    expect(error.code).toBe('RDS_IAM_MODIFY_FAILED');
    expect(error.message).toContain('ModifyDBCluster (EnableIAMDatabaseAuthentication=true) for cluster "orders-prod" failed');
  });

  it('refuses an Aurora PostgreSQL cluster', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster({ Engine: 'aurora-postgresql' })] });
    const error = await caught(onEvent(createEvent(), context));
    expect(error.code).toBe('RDS_IAM_DATABASE_UNSUPPORTED');
    expect(error.message).toContain('runs engine "aurora-postgresql"');
  });

  it('requires a master secret: the RDS-managed one or a declared one', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster({ MasterUserSecret: undefined })] });

    const error = await caught(onEvent(createEvent(), context));
    const declared = await onEvent(createEvent(properties({ MasterSecretDeclared: 'true' })), context);

    expect(error.code).toBe('RDS_IAM_NO_MASTER_SECRET');
    expect(error.message).toContain('declare masterSecret');
    expect(declared.Data?.MasterSecretArn).toBe('');
  });

  it('refuses properties it does not understand', async () => {
    const error = await caught(onEvent(createEvent(properties({ Kind: 'proxy' })), context));
    expect(error.code).toBe('RDS_IAM_INVALID_IMPORT_EVENT');
    expect(error.message).toContain('Kind');
  });
});

describe('importing an existing instance', () => {
  it('with IAM authentication on, changes nothing and returns the DbiResourceId and endpoint', async () => {
    rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'billing' }).resolves({ DBInstances: [instance()] });

    const created = await onEvent(createEvent(instanceProperties()), context);

    expect(created).toEqual({
      PhysicalResourceId: 'instance:billing:iam-auth-was-on',
      Data: { ResourceId: 'db-ABCDEFGHIJKLMNOPQRSTUVWXYZ', Endpoint: 'billing.c1a2b3.eu-west-1.rds.amazonaws.com', Port: '3307', MasterSecretArn: SECRET_ARN },
    });
    expect(rdsMock.commandCalls(ModifyDBInstanceCommand)).toHaveLength(0);
  });

  it('with IAM authentication off, modifies the instance and polls until applied', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [instance({ IAMDatabaseAuthenticationEnabled: false })] })
      .resolvesOnce({ DBInstances: [instance({ IAMDatabaseAuthenticationEnabled: false, DBInstanceStatus: 'modifying' })] })
      .resolves({ DBInstances: [instance()] });
    rdsMock.on(ModifyDBInstanceCommand).resolves({});

    const created = await onEvent(createEvent(instanceProperties()), context);
    const first = await isComplete(pollEvent(created.PhysicalResourceId, instanceProperties()), context);
    const second = await isComplete(pollEvent(created.PhysicalResourceId, instanceProperties()), context);

    expect(rdsMock.commandCalls(ModifyDBInstanceCommand).map((call) => call.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'billing', EnableIAMDatabaseAuthentication: true, ApplyImmediately: true },
    ]);
    expect([first.IsComplete, second.IsComplete]).toEqual([false, true]);
  });

  it.each([
    ['an instance of an Aurora cluster', instance({ Engine: 'aurora-mysql', DBClusterIdentifier: 'orders-prod' }), 'belongs to Aurora cluster "orders-prod"'],
    ['a MySQL instance declared as MariaDB', instance({ Engine: 'mysql' }), 'the declaration says "mariadb"'],
    ['a PostgreSQL instance', instance({ Engine: 'postgres' }), 'runs engine "postgres"'],
  ])('refuses %s', async (_label, described, message) => {
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [described] });
    const error = await caught(onEvent(createEvent(instanceProperties()), context));
    expect(error.code).toBe('RDS_IAM_DATABASE_UNSUPPORTED');
    expect(error.message).toContain(message);
  });
});

describe('updates', () => {
  it('keep the physical id, and so what was found, while the database stays the same', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster()] });
    const updated = await onEvent({ ...pollEvent('cluster:orders-prod:iam-auth-was-off', properties({ RestoreOnDelete: 'true' }), 'Update') }, context);
    expect(updated.PhysicalResourceId).toBe('cluster:orders-prod:iam-auth-was-off');
  });

  it('give a new physical id when the identifier changes, so CloudFormation deletes the old one', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster({ DBClusterIdentifier: 'orders-new' })] });
    const updated = await onEvent(pollEvent('cluster:orders-prod:iam-auth-was-off', properties({ Identifier: 'orders-new' }), 'Update'), context);
    expect(updated.PhysicalResourceId).toBe('cluster:orders-new:iam-auth-was-on');
  });
});

describe('deletion', () => {
  const deleteEvent = (physicalResourceId: string, restore: boolean) =>
    pollEvent(physicalResourceId, properties({ RestoreOnDelete: String(restore) }), 'Delete');

  it('leaves IAM authentication on by default, without calling RDS', async () => {
    const deleted = await onEvent(deleteEvent('cluster:orders-prod:iam-auth-was-off', false), context);
    const polled = await isComplete(deleteEvent('cluster:orders-prod:iam-auth-was-off', false), context);

    expect(deleted).toEqual({ PhysicalResourceId: 'cluster:orders-prod:iam-auth-was-off' });
    expect(polled).toEqual({ IsComplete: true });
    expect(rdsMock.calls()).toHaveLength(0);
  });

  it('leaves it on when it was on before the stack, even when told to restore', async () => {
    await onEvent(deleteEvent('cluster:orders-prod:iam-auth-was-on', true), context);
    expect(rdsMock.calls()).toHaveLength(0);
  });

  it('turns it back off when declared and it was off, then polls until applied', async () => {
    rdsMock
      .on(DescribeDBClustersCommand)
      .resolvesOnce({ DBClusters: [cluster()] })
      .resolvesOnce({ DBClusters: [cluster({ Status: 'modifying' })] })
      .resolves({ DBClusters: [cluster({ IAMDatabaseAuthenticationEnabled: false })] });
    rdsMock.on(ModifyDBClusterCommand).resolves({});

    await onEvent(deleteEvent('cluster:orders-prod:iam-auth-was-off', true), context);
    const first = await isComplete(deleteEvent('cluster:orders-prod:iam-auth-was-off', true), context);
    const second = await isComplete(deleteEvent('cluster:orders-prod:iam-auth-was-off', true), context);

    expect(rdsMock.commandCalls(ModifyDBClusterCommand).map((call) => call.args[0].input)).toEqual([
      { DBClusterIdentifier: 'orders-prod', EnableIAMDatabaseAuthentication: false, ApplyImmediately: true },
    ]);
    expect([first.IsComplete, second.IsComplete]).toEqual([false, true]);
  });

  it('succeeds when the database is already gone', async () => {
    rdsMock.on(DescribeDBClustersCommand).rejects(new DBClusterNotFoundFault({ message: 'not found', $metadata: {} }));
    await expect(onEvent(deleteEvent('cluster:orders-prod:iam-auth-was-off', true), context)).resolves.toBeDefined();
    await expect(isComplete(deleteEvent('cluster:orders-prod:iam-auth-was-off', true), context)).resolves.toEqual({ IsComplete: true });
  });

  it('does nothing for a resource whose creation failed (no physical id of ours)', async () => {
    const deleted = await onEvent(deleteEvent('2f7c1c8e-failed-create', true), context);
    expect(deleted).toEqual({ PhysicalResourceId: '2f7c1c8e-failed-create' });
    expect(rdsMock.calls()).toHaveLength(0);
  });
});

describe('a repeated delivery of the same event', () => {
  it('answers the same physical id after the first delivery turned IAM authentication on, because the database is tagged first', async () => {
    // Prepare: IAM auth off; AddTagsToResource records the tag so the next describe shows it.
    const tags: { Key: string; Value: string }[] = [];
    let iamOn = false;
    rdsMock.on(DescribeDBClustersCommand).callsFake(() => ({ DBClusters: [cluster({ IAMDatabaseAuthenticationEnabled: iamOn, TagList: [...tags] })] }));
    rdsMock.on(AddTagsToResourceCommand).callsFake((input: { Tags: { Key: string; Value: string }[] }) => {
      tags.push(...input.Tags);
      return {};
    });
    rdsMock.on(ModifyDBClusterCommand).callsFake(() => {
      iamOn = true;
      return {};
    });

    // Act: the same Create delivered twice, the second after RDS applied the change.
    const first = await onEvent(createEvent(), context);
    const second = await onEvent(createEvent(), context);

    // Assess
    expect(first.PhysicalResourceId).toBe('cluster:orders-prod:iam-auth-was-off');
    expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(rdsMock.commandCalls(AddTagsToResourceCommand)[0].args[0].input).toEqual({
      ResourceName: CLUSTER_ARN,
      Tags: [{ Key: 'rds-iam-mysql:iam-auth-enabled-by', Value: STACK_ID }],
    });
  });

  it('on Delete with restore, turns IAM authentication off and removes the tag', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({
      DBClusters: [cluster({ TagList: [{ Key: 'rds-iam-mysql:iam-auth-enabled-by', Value: STACK_ID }] })],
    });
    rdsMock.on(ModifyDBClusterCommand).resolves({});

    await onEvent(pollEvent('cluster:orders-prod:iam-auth-was-off', properties({ RestoreOnDelete: 'true' }), 'Delete'), context);

    expect(rdsMock.commandCalls(ModifyDBClusterCommand)[0].args[0].input).toMatchObject({ EnableIAMDatabaseAuthentication: false });
    expect(rdsMock.commandCalls(RemoveTagsFromResourceCommand)[0].args[0].input).toEqual({ ResourceName: CLUSTER_ARN, TagKeys: ['rds-iam-mysql:iam-auth-enabled-by'] });
  });
});
