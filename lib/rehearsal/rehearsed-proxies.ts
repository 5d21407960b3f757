import type { RunningEmulatorProxy } from '../emulator/proxy';
import { referencedLogicalIds, type CloudFormationTemplate } from './cloudformation-template';
import { evenSample, loginProblem, type VerifyOptions } from './database-inspection';
import type { IntrinsicResolver, PseudoParameters } from './intrinsic-functions';
import { getAttTarget } from './object-read-grants';
import { clientRolesThrough, judgeProxyGrants, proxyRoleMayConnectAs, type ProxyPath } from './proxy-grants';
import { roleGrants } from './role-policy-grants';
import type { SimulatedDatabase } from './simulated-database';

/** What went through one of the stack's proxies during a rehearsal, or why it was not rehearsed. */
export interface ProxyTally {
  readonly name: string;
  /** The endpoint clients signed their tokens for, e.g. `orders-dev-proxy.proxy-c9akciq32xyz.eu-west-1.rds.amazonaws.com:3306`. */
  readonly endpoint: string;
  readonly accepted: number;
  readonly refused: number;
  /** Why the rehearsal did not log in through it (another authentication scheme than end-to-end IAM). */
  readonly notRehearsed?: string;
}

/** An `AWS::RDS::DBProxy` of the template, as declared. */
interface TemplateProxy {
  readonly logicalId: string;
  readonly roleLogicalId: string | undefined;
  /** Its `AWS::RDS::DBProxyTargetGroup` resources' targets, unresolved. */
  readonly targets: readonly unknown[];
  readonly notRehearsed?: string;
}

const CONNECT_ACTION = 'rds-db:connect';

/**
 * The stack's RDS Proxies with end-to-end IAM authentication in front of its rehearsed databases: after each step
 * that verifies users, their IAM grants are judged from the template (`judgeProxyGrants`) and the users they let
 * through log in through an emulator proxy named as RDS names the proxy, in front of the database's server.
 */
export class RehearsedProxies {
  private readonly declared: readonly TemplateProxy[];
  /** One emulator proxy per proxy and database, started when first used. */
  private readonly running = new Map<string, { readonly logicalId: string; readonly proxy: Promise<RunningEmulatorProxy> }>();
  /** The template's rds-db:connect grants as the current step resolves them (the emulator proxies' logins read them). */
  private grants: ReadonlyMap<string, readonly string[]> = new Map();
  /** The same, resolved once, for who may connect through a proxy: `prx-…` ids do not change during a rehearsal. */
  private synthesizedGrants: ReadonlyMap<string, readonly string[]> | undefined;

  constructor(
    private readonly template: CloudFormationTemplate,
    private readonly resolver: IntrinsicResolver,
    private readonly pseudo: PseudoParameters,
  ) {
    this.declared = declaredProxies(template, resolver);
  }

  /**
   * Problems of every proxy in front of `database` for its declared users: missing grants on either leg, and logins
   * through the proxy (a sample of the users it lets through) that fail or land as another user.
   */
  async verify(database: SimulatedDatabase, usernames: readonly string[], options: VerifyOptions): Promise<string[]> {
    const problems: string[] = [];
    const proxies = this.inFrontOf(database);
    if (proxies.length === 0) return problems;
    this.grants = roleGrants(this.template, this.resolver, CONNECT_ACTION);
    for (const declared of proxies) {
      const path = this.path(declared, database);
      const judgement = judgeProxyGrants(path, usernames, this.grants);
      problems.push(...bounded(judgement.problems, `proxy ${path.name}: missing grants`));
      const proxy = await this.emulatorProxy(path, database);
      const target = {
        host: proxy.host,
        port: proxy.port,
        endpoint: proxy.endpoint,
        region: proxy.region,
        caPem: proxy.caPem,
        credentials: { accessKeyId: database.server.accessKeyId, secretAccessKey: database.server.secretAccessKey, sessionToken: database.server.sessionToken },
      };
      const failedLogins: string[] = [];
      for (const username of evenSample(judgement.letThrough, options.loginSample)) {
        const refusedBefore = proxy.counts().refused;
        const refusalOf = (name: string) => (proxy.counts().refused > refusedBefore ? lastRefusal(proxy, name) : undefined);
        const problem = await loginProblem({ ...target, refusalOf }, username);
        if (problem !== undefined) failedLogins.push(`proxy ${path.name}: through ${proxy.endpoint}, ${problem}`);
      }
      problems.push(...bounded(failedLogins, `proxy ${path.name}: failed logins`));
    }
    return problems;
  }

  /** Whether the template lets some role connect as `username` through one of the proxies (the lifecycle keeps such users). */
  letsThrough(username: string): boolean {
    this.synthesizedGrants ??= roleGrants(this.template, this.resolver, CONNECT_ACTION);
    const grants = this.synthesizedGrants;
    return this.declared.some(
      (declared) =>
        declared.notRehearsed === undefined &&
        clientRolesThrough(
          { resourceId: this.proxyResourceId(declared.logicalId), roleLogicalId: declared.roleLogicalId, dbUserArnPrefix: this.dbUserArnPrefix() },
          username,
          grants,
        ).length > 0,
    );
  }

  /** What went through each proxy so far; the proxies not rehearsed, with why. */
  async tallies(): Promise<ProxyTally[]> {
    const tallies: ProxyTally[] = [];
    for (const declared of this.declared) {
      const name = String(this.resolver.resolve({ Ref: declared.logicalId }));
      const endpoint = `${String(this.resolver.resolve({ 'Fn::GetAtt': [declared.logicalId, 'Endpoint'] }))}:3306`;
      const proxies = await Promise.all([...this.running.values()].filter((entry) => entry.logicalId === declared.logicalId).map((entry) => entry.proxy));
      const counts = proxies.map((proxy) => proxy.counts());
      tallies.push({
        name,
        endpoint,
        accepted: counts.reduce((sum, count) => sum + count.accepted, 0),
        refused: counts.reduce((sum, count) => sum + count.refused, 0),
        ...(declared.notRehearsed === undefined ? {} : { notRehearsed: declared.notRehearsed }),
      });
    }
    return tallies;
  }

  /** Stops every emulator proxy. */
  async close(): Promise<void> {
    const running = [...this.running.values()];
    this.running.clear();
    await Promise.all(running.map(async (entry) => (await entry.proxy.catch(() => undefined))?.stop()));
  }

  /** The rehearsed proxies whose target group names the database (by its identifier, as CloudFormation resolves it now). */
  private inFrontOf(database: SimulatedDatabase): TemplateProxy[] {
    return this.declared.filter((declared) => {
      if (declared.notRehearsed !== undefined) return false;
      const identifiers = declared.targets.flatMap((target) => [this.resolver.resolve(target)].flat());
      return identifiers.some((identifier) => typeof identifier === 'string' && identifier.toLowerCase() === database.identifier.toLowerCase());
    });
  }

  private path(declared: TemplateProxy, database: SimulatedDatabase): ProxyPath {
    return {
      name: String(this.resolver.resolve({ Ref: declared.logicalId })),
      logicalId: declared.logicalId,
      resourceId: this.proxyResourceId(declared.logicalId),
      roleLogicalId: declared.roleLogicalId,
      databaseResourceId: database.resourceId,
      dbUserArnPrefix: this.dbUserArnPrefix(),
    };
  }

  /** `prx-…`: the last part of the proxy's ARN, as clients' grants name it. */
  private proxyResourceId(logicalId: string): string {
    return String(this.resolver.resolve({ 'Fn::GetAtt': [logicalId, 'DBProxyArn'] })).split(':').pop() ?? '';
  }

  private dbUserArnPrefix(): string {
    return `arn:${this.pseudo.partition}:rds-db:${this.pseudo.region}:${this.pseudo.accountId}:dbuser:`;
  }

  private async emulatorProxy(path: ProxyPath, database: SimulatedDatabase): Promise<RunningEmulatorProxy> {
    const key = `${path.logicalId}\0${database.resourceId}`;
    let entry = this.running.get(key);
    if (entry === undefined) {
      const endpointHost = String(this.resolver.resolve({ 'Fn::GetAtt': [path.logicalId, 'Endpoint'] }));
      // The proxy's own login to the database needs its role's grant, judged from the template at each login.
      const roleMayConnectAs = (username: string) => proxyRoleMayConnectAs(path, username, this.grants);
      const proxy = import('../emulator/proxy').then(({ startEmulatorProxy }) => startEmulatorProxy({ backend: database.server, endpointHost, roleMayConnectAs }));
      entry = { logicalId: path.logicalId, proxy };
      this.running.set(key, entry);
    }
    return entry.proxy;
  }
}

/** The template's proxies, each with its role, its targets and, when it is not end-to-end IAM with TLS, why it is not rehearsed. */
function declaredProxies(template: CloudFormationTemplate, resolver: IntrinsicResolver): TemplateProxy[] {
  const groups = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::RDS::DBProxyTargetGroup');
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::RDS::DBProxy')
    .map(([logicalId, resource]) => {
      const properties = resource.Properties ?? {};
      const scheme = resolver.resolve(properties.DefaultAuthScheme);
      const tls = resolver.resolve(properties.RequireTLS);
      const notRehearsed =
        scheme !== 'IAM_AUTH'
          ? `DefaultAuthScheme ${String(scheme ?? 'NONE')}: the proxy logs in to the database with a Secrets Manager secret, which the emulated proxy does not model`
          : tls !== true && tls !== 'true'
            ? 'RequireTLS is not true: the emulated proxy always requires TLS, as end-to-end IAM authentication does'
            : undefined;
      const targets = groups
        .filter((group) => referencedLogicalIds(group.Properties?.DBProxyName).has(logicalId))
        .flatMap((group) => [group.Properties?.DBClusterIdentifiers, group.Properties?.DBInstanceIdentifiers])
        .filter((target) => target !== undefined);
      return { logicalId, roleLogicalId: getAttTarget(properties.RoleArn), targets, ...(notRehearsed === undefined ? {} : { notRehearsed }) };
    });
}

/** How many lines of one kind a step shows for one proxy: the head names the pattern, the count the extent. */
const SHOWN_LINES = 20;

function bounded(lines: readonly string[], what: string): string[] {
  return lines.length <= SHOWN_LINES ? [...lines] : [...lines.slice(0, SHOWN_LINES), `${what}: ${lines.length - SHOWN_LINES} more not shown`];
}

/** The proxy's reason for refusing the user's latest login (never a token). */
function lastRefusal(proxy: RunningEmulatorProxy, username: string): string | undefined {
  const refused = proxy.events().filter((event) => event.kind === 'refused' && event.username === username);
  const last = refused[refused.length - 1];
  return last?.kind === 'refused' ? `the proxy: ${last.reason}` : undefined;
}
