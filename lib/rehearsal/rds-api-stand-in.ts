import type { IncomingMessage, ServerResponse } from 'node:http';
import { credentialScope } from './aws-request';
import { startLoopbackServer, type LoopbackServer } from './loopback-server';
import type { SimulatedDatabase } from './simulated-database';

/** A call the RDS stand-in answered. */
export interface RdsApiCall {
  readonly action: string;
  readonly identifier: string;
  readonly at: number;
}

const NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';

/**
 * The RDS API (query protocol, XML) on a loopback port (AWS_ENDPOINT_URL_RDS): `DescribeDBClusters`,
 * `DescribeDBInstances`, `ModifyDBCluster` and `ModifyDBInstance` on the simulated databases. A change of IAM
 * authentication is pending (status `modifying`) for a few describes before it is applied, as RDS applies it.
 */
export class RdsApiStandIn {
  readonly calls: RdsApiCall[] = [];

  private constructor(
    private readonly server: LoopbackServer,
    private readonly databases: () => Iterable<SimulatedDatabase>,
    private readonly describesPerChange: number,
  ) {}

  /**
   * @param databases every database RDS knows in this account and region, asked at each call
   * @param describesPerChange describes that still show a requested change as pending
   */
  static async start(region: string, databases: () => Iterable<SimulatedDatabase>, describesPerChange = 2): Promise<RdsApiStandIn> {
    let standIn: RdsApiStandIn | undefined;
    const server = await startLoopbackServer((request, body, response) => standIn?.handle(region, request, body, response));
    standIn = new RdsApiStandIn(server, databases, describesPerChange);
    return standIn;
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(region: string, request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const form = new URLSearchParams(body.toString('utf8'));
    const action = form.get('Action') ?? '';
    const scope = credentialScope(request);
    if (scope === undefined || scope.region !== region || scope.service !== 'rds') {
      return writeError(response, 403, 'SignatureDoesNotMatch', `Credential should be scoped to ${region}/rds`);
    }
    if (action === 'AddTagsToResource' || action === 'RemoveTagsFromResource') return this.tag(action, form, response);
    const kind = action.endsWith('DBClusters') || action === 'ModifyDBCluster' ? 'cluster' : 'instance';
    const identifier = form.get(kind === 'cluster' ? 'DBClusterIdentifier' : 'DBInstanceIdentifier') ?? '';
    this.calls.push({ action, identifier, at: Date.now() });
    const database = [...this.databases()].find((candidate) => candidate.kind === kind && candidate.identifier === identifier);
    const notFound = (): void =>
      kind === 'cluster'
        ? writeError(response, 404, 'DBClusterNotFoundFault', `DBCluster ${identifier} not found.`)
        : writeError(response, 404, 'DBInstanceNotFound', `DBInstance ${identifier} not found.`);
    switch (action) {
      case 'DescribeDBClusters':
      case 'DescribeDBInstances': {
        if (database === undefined) return notFound();
        const described = this.describe(database);
        const list = kind === 'cluster' ? `<DBClusters><DBCluster>${described}</DBCluster></DBClusters>` : `<DBInstances><DBInstance>${described}</DBInstance></DBInstances>`;
        return writeResult(response, action, list);
      }
      case 'ModifyDBCluster':
      case 'ModifyDBInstance': {
        if (database === undefined) return notFound();
        if (database.pendingIamAuthChange !== undefined) {
          return kind === 'cluster'
            ? writeError(response, 400, 'InvalidDBClusterStateFault', `Cannot modify DB cluster ${identifier} while it is modifying.`)
            : writeError(response, 400, 'InvalidDBInstanceState', `Database instance is not in available state.`);
        }
        const enable = form.get('EnableIAMDatabaseAuthentication');
        if (enable !== null && (enable === 'true') !== database.iamAuthEnabled) {
          database.pendingIamAuthChange = { enable: enable === 'true', describesLeft: this.describesPerChange };
        }
        const element = kind === 'cluster' ? 'DBCluster' : 'DBInstance';
        return writeResult(response, action, `<${element}>${this.describe(database, false)}</${element}>`);
      }
      default:
        return writeError(response, 400, 'InvalidAction', `The action ${action.slice(0, 64)} is not modelled by the rehearsal's RDS.`);
    }
  }

  /** AddTagsToResource and RemoveTagsFromResource on a database named by its ARN. */
  private tag(action: string, form: URLSearchParams, response: ServerResponse): void {
    const arn = form.get('ResourceName') ?? '';
    this.calls.push({ action, identifier: arn, at: Date.now() });
    const database = [...this.databases()].find((candidate) => candidate.arn === arn);
    if (database === undefined) return writeError(response, 404, 'DBClusterNotFoundFault', `No resource ${arn.slice(0, 200)}.`);
    for (let index = 1; form.has(`Tags.Tag.${index}.Key`) || form.has(`TagKeys.member.${index}`); index += 1) {
      if (action === 'AddTagsToResource') database.tags.set(form.get(`Tags.Tag.${index}.Key`) ?? '', form.get(`Tags.Tag.${index}.Value`) ?? '');
      else database.tags.delete(form.get(`TagKeys.member.${index}`) ?? '');
    }
    return writeResult(response, action, '');
  }

  /** The database's description; a describe also moves a pending change one step closer to applied. */
  private describe(database: SimulatedDatabase, advance = true): string {
    const pending = database.pendingIamAuthChange;
    if (pending !== undefined && advance) {
      if (pending.describesLeft <= 0) {
        database.iamAuthEnabled = pending.enable;
        database.pendingIamAuthChange = undefined;
      } else {
        pending.describesLeft -= 1;
      }
    }
    const stillPending = database.pendingIamAuthChange;
    const status = stillPending === undefined ? 'available' : 'modifying';
    const pendingXml = stillPending === undefined ? '<PendingModifiedValues/>' : `<PendingModifiedValues><IAMDatabaseAuthenticationEnabled>${stillPending.enable}</IAMDatabaseAuthenticationEnabled></PendingModifiedValues>`;
    const secret = `<MasterUserSecret><SecretArn>${xml(database.masterSecretArn)}</SecretArn><SecretStatus>active</SecretStatus><KmsKeyId>${xml(database.arn.replace(/:rds:/, ':kms:').replace(/:(cluster|db):.*$/, ':key/aws/secretsmanager'))}</KmsKeyId></MasterUserSecret>`;
    const tags = `<TagList>${[...database.tags].map(([key, value]) => `<Tag><Key>${xml(key)}</Key><Value>${xml(value)}</Value></Tag>`).join('')}</TagList>`;
    const common = `${tags}<Engine>${database.engine}</Engine><MasterUsername>${xml(database.masterUsername)}</MasterUsername><IAMDatabaseAuthenticationEnabled>${database.iamAuthEnabled}</IAMDatabaseAuthenticationEnabled>${secret}${pendingXml}`;
    if (database.kind === 'cluster') {
      return `<DBClusterIdentifier>${xml(database.identifier)}</DBClusterIdentifier><DBClusterArn>${xml(database.arn)}</DBClusterArn><Status>${status}</Status><Endpoint>${xml(database.endpointHost)}</Endpoint><ReaderEndpoint>${xml(database.endpointHost)}</ReaderEndpoint><Port>${database.port}</Port><DbClusterResourceId>${database.resourceId}</DbClusterResourceId>${common}`;
    }
    return `<DBInstanceIdentifier>${xml(database.identifier)}</DBInstanceIdentifier><DBInstanceArn>${xml(database.arn)}</DBInstanceArn><DBInstanceStatus>${status}</DBInstanceStatus><Endpoint><Address>${xml(database.endpointHost)}</Address><Port>${database.port}</Port><HostedZoneId>Z29XKXDKYMONMX</HostedZoneId></Endpoint><DbiResourceId>${database.resourceId}</DbiResourceId>${common}`;
  }
}

function writeResult(response: ServerResponse, action: string, inner: string): void {
  response.writeHead(200, { 'content-type': 'text/xml' });
  response.end(`<${action}Response xmlns="${NAMESPACE}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></${action}Response>`);
}

function writeError(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'text/xml' });
  response.end(`<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`);
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
