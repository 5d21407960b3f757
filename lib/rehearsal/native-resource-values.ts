import { rdsProxyEndpointHost } from '../emulator/proxy/rds-proxy-endpoint';
import type { AwsValueShapes } from './aws-value-shapes';
import type { CloudFormationTemplate } from './cloudformation-template';
import type { PseudoParameters, ResourceValues } from './intrinsic-functions';
import { RehearsalError } from './rehearsal-error';
import type { SimulatedDatabase } from './simulated-database';

/**
 * `Ref` and `Fn::GetAtt` of the stack's AWS resources (not its custom resources), as CloudFormation returns them
 * once they exist: generated names, ARNs, ids and, for databases, the simulated database's endpoint, port, resource
 * id and managed master secret.
 */
export class NativeResourceValues implements ResourceValues {
  constructor(
    private readonly template: CloudFormationTemplate,
    private readonly pseudo: PseudoParameters,
    private readonly shapes: AwsValueShapes,
    private readonly databaseOf: (logicalId: string) => SimulatedDatabase | undefined,
  ) {}

  ref(logicalId: string): string {
    const type = this.typeOf(logicalId);
    const database = this.databaseOf(logicalId);
    if (database !== undefined) return database.identifier;
    switch (type) {
      case 'AWS::Lambda::Function':
      case 'AWS::IAM::Role':
      case 'AWS::Logs::LogGroup':
        return this.name(logicalId);
      case 'AWS::StepFunctions::StateMachine':
        return this.arn('states', `stateMachine:${this.name(logicalId)}`);
      case 'AWS::SecretsManager::Secret':
        return this.secretArn(logicalId);
      case 'AWS::SecretsManager::SecretTargetAttachment':
        return this.secretArn(String((this.template.Resources[logicalId].Properties?.SecretId as { Ref?: string })?.Ref ?? logicalId));
      case 'AWS::EC2::SecurityGroup':
        return this.shapes.ec2Id('sg', logicalId);
      case 'AWS::EC2::Subnet':
        return this.shapes.ec2Id('subnet', logicalId);
      case 'AWS::EC2::VPC':
        return this.shapes.ec2Id('vpc', logicalId);
      case 'AWS::EC2::VPCEndpoint':
        return this.shapes.ec2Id('vpce', logicalId);
      case 'AWS::KMS::Key':
        return this.shapes.uuid(`kms:${logicalId}`);
      default:
        return this.name(logicalId);
    }
  }

  getAtt(logicalId: string, attribute: string): unknown {
    const type = this.typeOf(logicalId);
    const database = this.databaseOf(logicalId);
    if (database !== undefined) return databaseAttribute(database, attribute, logicalId);
    const known: Readonly<Record<string, () => unknown>> = {
      'AWS::Lambda::Function:Arn': () => this.arn('lambda', `function:${this.name(logicalId)}`),
      'AWS::IAM::Role:Arn': () => `arn:${this.pseudo.partition}:iam::${this.pseudo.accountId}:role/${this.name(logicalId)}`,
      'AWS::IAM::Role:RoleId': () => this.shapes.iamUniqueId('AROA', logicalId),
      'AWS::Logs::LogGroup:Arn': () => this.arn('logs', `log-group:${this.name(logicalId)}:*`),
      'AWS::StepFunctions::StateMachine:Arn': () => this.ref(logicalId),
      'AWS::StepFunctions::StateMachine:Name': () => this.name(logicalId),
      'AWS::EC2::SecurityGroup:GroupId': () => this.ref(logicalId),
      'AWS::EC2::SecurityGroup:VpcId': () => this.shapes.ec2Id('vpc', 'vpc-of-' + logicalId),
      'AWS::EC2::VPC:CidrBlock': () => '10.0.0.0/16',
      'AWS::KMS::Key:Arn': () => this.arn('kms', `key/${this.ref(logicalId)}`),
      'AWS::RDS::DBProxy:DBProxyArn': () => this.arn('rds', `db-proxy:${this.shapes.rdsProxyResourceId(logicalId)}`),
      'AWS::RDS::DBProxy:Endpoint': () => rdsProxyEndpointHost(this.ref(logicalId), this.pseudo.region),
      'AWS::RDS::DBProxy:VpcId': () => this.shapes.ec2Id('vpc', 'vpc-of-' + logicalId),
      'AWS::SecretsManager::Secret:Id': () => this.secretArn(logicalId),
    };
    const value = known[`${type}:${attribute}`];
    if (value === undefined) {
      throw new RehearsalError(
        'RDS_IAM_REHEARSAL_UNSUPPORTED_TEMPLATE',
        `Fn::GetAtt ${logicalId}.${attribute} (${type}) is not modelled by the rehearsal`,
      );
    }
    return value();
  }

  private typeOf(logicalId: string): string {
    const resource = this.template.Resources[logicalId];
    if (resource === undefined) {
      throw new RehearsalError('RDS_IAM_REHEARSAL_UNSUPPORTED_TEMPLATE', `the template refers to ${JSON.stringify(logicalId)}, which it does not define`);
    }
    return resource.Type;
  }

  /** The name given in the template, else the one CloudFormation generates. */
  private name(logicalId: string): string {
    const properties = this.template.Resources[logicalId].Properties ?? {};
    for (const key of ['FunctionName', 'RoleName', 'LogGroupName', 'StateMachineName', 'DBProxyName', 'Name']) {
      if (typeof properties[key] === 'string') return properties[key] as string;
    }
    const type = this.typeOf(logicalId);
    return this.shapes.generatedName(this.pseudo.stackName, logicalId, { maxLength: type === 'AWS::IAM::Role' ? 64 : type === 'AWS::Lambda::Function' ? 64 : 80 });
  }

  private secretArn(logicalId: string): string {
    return this.arn('secretsmanager', `secret:${this.name(logicalId)}-${this.shapes.secretArnSuffix(logicalId)}`);
  }

  private arn(service: string, resource: string): string {
    return `arn:${this.pseudo.partition}:${service}:${this.pseudo.region}:${this.pseudo.accountId}:${resource}`;
  }
}

function databaseAttribute(database: SimulatedDatabase, attribute: string, logicalId: string): unknown {
  const byAttribute: Readonly<Record<string, unknown>> = {
    'Endpoint.Address': database.endpointHost,
    'Endpoint.Port': String(database.port),
    'ReadEndpoint.Address': database.endpointHost,
    'MasterUserSecret.SecretArn': database.masterSecretArn,
    ...(database.kind === 'cluster'
      ? { DBClusterResourceId: database.resourceId, DBClusterArn: database.arn }
      : { DbiResourceId: database.resourceId, DBInstanceArn: database.arn }),
  };
  if (!(attribute in byAttribute)) {
    throw new RehearsalError('RDS_IAM_REHEARSAL_UNSUPPORTED_TEMPLATE', `Fn::GetAtt ${logicalId}.${attribute} (DB ${database.kind}) is not modelled by the rehearsal`);
  }
  return byAttribute[attribute];
}
