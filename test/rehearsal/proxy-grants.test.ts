import { judgeProxyGrants, type ProxyPath } from '../../lib/rehearsal/proxy-grants';

const PREFIX = 'arn:aws:rds-db:eu-west-1:111111111111:dbuser:';
const CLUSTER = 'cluster-DCBD329WSXVA4B3AF6X67A0622';
const PROXY_ID = 'prx-0a7c5e19d23b48f61';
const PROXY_ROLE = 'ProxyRole46D67FAB';
const PATH: ProxyPath = {
  name: 'orders-dev-proxy',
  logicalId: 'ProxyE947DB46',
  resourceId: PROXY_ID,
  roleLogicalId: PROXY_ROLE,
  databaseResourceId: CLUSTER,
  dbUserArnPrefix: PREFIX,
};
const API = 'ConnectRoleOrdersApiE94B4D6E';
const ANALYST = 'ConnectRoleAnalystD8605C25';
const USERS = ['app_rw', 'migrator', 'reporting_ro'];

const grants = (entries: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(entries));

describe('judgeProxyGrants, as IAM judges both legs of a login through RDS Proxy', () => {
  it.each<[string, Record<string, string[]>, string[]]>([
    ['the construct\'s grants: the client on the proxy, the proxy role on the cluster', { [API]: [`${PREFIX}${PROXY_ID}/app_rw`], [PROXY_ROLE]: [`${PREFIX}${CLUSTER}/app_rw`] }, ['app_rw']],
    ['a client granted every user of the proxy, a proxy role granted every user of the cluster', { [API]: [`${PREFIX}${PROXY_ID}/*`], [PROXY_ROLE]: [`${PREFIX}${CLUSTER}/*`] }, USERS],
    ['two clients, one user each, through a `?` pattern and a region wildcard', { [API]: [`${PREFIX}${PROXY_ID}/app_r?`], [ANALYST]: [`arn:aws:rds-db:*:111111111111:dbuser:${PROXY_ID}/reporting_ro`], [PROXY_ROLE]: [`${PREFIX}${CLUSTER}/app_rw`, `${PREFIX}${CLUSTER}/reporting_ro`] }, ['app_rw', 'reporting_ro']],
    ['direct grants on the cluster only: the proxy lets nobody through', { [API]: [`${PREFIX}${CLUSTER}/app_rw`] }, []],
    ['a client grant on another proxy', { [API]: [`${PREFIX}prx-0ffffffffffffffff/app_rw`], [PROXY_ROLE]: [`${PREFIX}${CLUSTER}/*`] }, []],
    ["the proxy role's own grant on the proxy ARN: it is no client", { [PROXY_ROLE]: [`${PREFIX}${PROXY_ID}/*`, `${PREFIX}${CLUSTER}/*`] }, []],
  ])('%s: lets the right users through and finds nothing missing', (_case, given, letThrough) => {
    expect(judgeProxyGrants(PATH, USERS, grants(given))).toEqual({ letThrough, problems: [] });
  });

  it('names the proxy role, the user, the database ARN and the clients when the proxy cannot log in for them', () => {
    const judged = judgeProxyGrants(PATH, USERS, grants({ [API]: [`${PREFIX}${PROXY_ID}/app_rw`], [ANALYST]: [`${PREFIX}${PROXY_ID}/app_rw`], [PROXY_ROLE]: [`${PREFIX}cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0/app_rw`] }));
    expect(judged).toEqual({
      letThrough: ['app_rw'],
      problems: [
        `proxy orders-dev-proxy: its role ProxyRole46D67FAB may not rds-db:connect on ${PREFIX}${CLUSTER}/app_rw, so the proxy cannot log in as app_rw ` +
          `for role ${API}, role ${ANALYST}. Fix: carry app_rw on the proxy (its users), which grants its role`,
      ],
    });
  });

  it('says so when the proxy role is not one of the template: nothing in it grants its login', () => {
    const judged = judgeProxyGrants({ ...PATH, roleLogicalId: undefined }, USERS, grants({ [API]: [`${PREFIX}${PROXY_ID}/app_rw`] }));
    expect(judged.problems).toEqual([expect.stringMatching(/^proxy orders-dev-proxy: its role \(not one of the template\) may not rds-db:connect on .*\/app_rw,/)]);
  });

  it('names a user the proxy role carries by name that no client may connect as through the proxy, with the proxy ARN', () => {
    const judged = judgeProxyGrants(PATH, USERS, grants({ [API]: [`${PREFIX}${CLUSTER}/migrator`], [PROXY_ROLE]: [`${PREFIX}${CLUSTER}/migrator`] }));
    expect(judged).toEqual({
      letThrough: [],
      problems: [
        `proxy orders-dev-proxy: its role ProxyRole46D67FAB logs in as migrator, but no role may rds-db:connect on ${PREFIX}${PROXY_ID}/migrator, so no ` +
          'client can log in as migrator through it. Fix: name a connect role for migrator on the proxy (proxy.grantConnect)',
      ],
    });
  });
});
