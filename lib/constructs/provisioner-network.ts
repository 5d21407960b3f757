import {
  GatewayVpcEndpoint,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpoint,
  InterfaceVpcEndpointAwsService,
  Peer,
  Port,
  SecurityGroup,
  SubnetSelection,
  SubnetType,
  type IVpc,
} from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { IIamAuthDatabase } from './iam-auth-database';

export interface ProvisionerNetworkProps {
  readonly database: IIamAuthDatabase;
  /** Subnets the provisioner runs in. */
  readonly vpcSubnets: SubnetSelection;
  /**
   * The Lambda reads the master secret. Without it (an IAM admin user signs its own tokens) there is no endpoint and
   * no HTTPS egress for Secrets Manager.
   * @default true
   */
  readonly reachSecretsManager?: boolean;
  /**
   * Create a Secrets Manager interface endpoint (private DNS) in `vpcSubnets`, when it reaches Secrets Manager.
   * @default - true when every selected subnet is isolated (no route to the internet), false otherwise
   */
  readonly createSecretsManagerEndpoint?: boolean;
}

/**
 * Where the provisioner Lambda may talk to: the database port of the database's security groups, HTTPS to
 * Secrets Manager (unless it logs in as an IAM admin user), and (for a user set in an S3 object) HTTPS to S3. Nothing else: the security group allows no
 * other egress.
 */
export class ProvisionerNetwork extends Construct {
  public readonly securityGroup: SecurityGroup;
  /** The interface endpoint made for isolated subnets, if any. */
  public readonly secretsManagerEndpoint?: InterfaceVpcEndpoint;
  /** The S3 gateway endpoint made for a user set in an S3 object read from isolated subnets, if any. */
  public s3Endpoint?: GatewayVpcEndpoint;
  private readonly database: IIamAuthDatabase;
  private readonly vpcSubnets: SubnetSelection;
  private httpsEgressToAnyAddress: boolean;

  constructor(scope: Construct, id: string, props: ProvisionerNetworkProps) {
    super(scope, id);
    const { database, vpcSubnets } = props;
    this.database = database;
    this.vpcSubnets = vpcSubnets;
    const reachSecretsManager = props.reachSecretsManager ?? true;
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: database.vpc,
      allowAllOutbound: false,
      description: `rds-iam-mysql user provisioner of ${database.displayName}: database port${reachSecretsManager ? ' and Secrets Manager' : ''} only`,
    });
    // Adds the ingress rule on the database's security groups and the matching egress rule on ours.
    database.connections.allowDefaultPortFrom(this.securityGroup, 'rds-iam-mysql user provisioner');

    const createEndpoint = reachSecretsManager && (props.createSecretsManagerEndpoint ?? selectionIsIsolated(database, vpcSubnets));
    this.httpsEgressToAnyAddress = reachSecretsManager && !createEndpoint;
    // An IAM admin's token is signed in the Lambda, without any AWS request: then the database port is all it needs.
    if (createEndpoint) {
      this.secretsManagerEndpoint = new InterfaceVpcEndpoint(this, 'SecretsManagerEndpoint', {
        vpc: database.vpc,
        service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
        subnets: vpcSubnets,
        privateDnsEnabled: true,
        // Only security groups that are explicitly allowed may use it, not the whole VPC.
        open: false,
      });
      this.secretsManagerEndpoint.connections.allowDefaultPortFrom(this.securityGroup, 'rds-iam-mysql user provisioner');
    } else if (reachSecretsManager) {
      // Through a NAT gateway or an endpoint the VPC already has: the destination address is not known here.
      this.securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'Secrets Manager API (HTTPS)');
    }
  }

  /**
   * Lets the Lambda read from S3 (a user set kept in an object): an S3 gateway endpoint on the selected subnets'
   * route tables when they are isolated (or when asked), and HTTPS egress. S3's addresses are a managed prefix list
   * whose id only a lookup at synth could give, so the egress rule allows HTTPS to any address; from isolated subnets
   * that still reaches only what their route tables lead to (the endpoints).
   */
  public reachS3(createEndpoint?: boolean): void {
    if (this.s3Endpoint !== undefined) return;
    if (createEndpoint ?? selectionIsIsolated(this.database, this.vpcSubnets)) {
      this.s3Endpoint = new GatewayVpcEndpoint(this, 'S3Endpoint', {
        vpc: this.database.vpc,
        service: GatewayVpcEndpointAwsService.S3,
        subnets: [this.vpcSubnets],
      });
    }
    if (!this.httpsEgressToAnyAddress) {
      this.securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'S3 (the user set object) through the gateway endpoint');
      this.httpsEgressToAnyAddress = true;
    }
  }
}

/** True when no selected subnet has a route to the internet, so Secrets Manager is unreachable without an endpoint. */
function selectionIsIsolated(database: IIamAuthDatabase, vpcSubnets: SubnetSelection): boolean {
  const isolatedIds = new Set(database.vpc.isolatedSubnets.map((subnet) => subnet.subnetId));
  const selected = database.vpc.selectSubnets(vpcSubnets).subnets;
  return selected.length > 0 && selected.every((subnet) => isolatedIds.has(subnet.subnetId));
}

/**
 * The subnets a database's provisioner runs in when none are given: the VPC's isolated subnets when it has any (the
 * usual home of a database), else its private subnets with egress.
 */
export function defaultPrivateSubnets(vpc: IVpc): SubnetSelection {
  return { subnetType: vpc.isolatedSubnets.length > 0 ? SubnetType.PRIVATE_ISOLATED : SubnetType.PRIVATE_WITH_EGRESS };
}
