import { userSetOf, type UserSetObjectTexts } from '../assembly/user-set-objects';
import { PROVISIONER_RESOURCE_TYPE, ProvisionerProperty } from '../contracts/provisioner/provisioner-properties';
import type { DatabaseEngineFamily, DatabaseUserSpec, UserGrant } from '../users/database-user-spec';
import { formatGrantTarget, parseGrantTarget } from '../users/grant-target';
import type { ValidatedGrant } from '../users/validate-user-specs';
import type { AccessModel, Connect, DatabaseAccess, OptIn, OtherConnectGrant, PatternConnect, StackAccess, UserAccess } from './access-model';
import { broadGrantFindings, isAllPrivileges } from './broad-grant-rules';
import { literalString, type SynthesizedTemplate, type TemplateResource, TemplateReadError, templateResources } from './cloudformation-template';
import { type ConnectGrant, connectGrantsOf } from './connect-grants';
import { plainConnectText } from './connect-text';
import { databaseIdentity } from './database-identity';
import { isIamPattern, matchesIamPattern } from './db-user-resource';
import { renderExpression } from './intrinsic-expression';
import { acknowledgementsOfMetadata, assessFindings } from './warning-acknowledgement';

/** The access model of synthesized templates (one per stack); throws {@link TemplateReadError} naming what it cannot read. */
export function buildAccessModel(templates: readonly SynthesizedTemplate[]): AccessModel {
  return { stacks: templates.map(stackAccess).sort((a, b) => compare(a.stackName, b.stackName)) };
}

function stackAccess({ stackName, template, origin, userSetObjects }: SynthesizedTemplate): StackAccess {
  const resources = templateResources(template, origin);
  const grants = connectGrantsOf(resources);
  const claimed = new Set<ConnectGrant>();
  const databases = resources
    .filter((resource) => resource.type === PROVISIONER_RESOURCE_TYPE)
    .map((provisioner) => databaseAccess(provisioner, resources, grants, claimed, userSetObjects, `${origin}: resource ${provisioner.logicalId}`));
  const otherConnectGrants: OtherConnectGrant[] = grants
    .filter((grant) => !claimed.has(grant))
    .map((grant) => ({ principal: grant.principal, resource: grant.resource.rendered }));
  return { stackName, databases, otherConnectGrants };
}

function databaseAccess(
  provisioner: TemplateResource,
  resources: readonly TemplateResource[],
  grants: readonly ConnectGrant[],
  claimed: Set<ConnectGrant>,
  userSetObjects: UserSetObjectTexts | undefined,
  origin: string,
): DatabaseAccess {
  const engine = engineOf(provisioner, origin);
  const identity = databaseIdentity(provisioner, resources, grants.map((grant) => grant.resource.resourceId));
  const routed = grants.flatMap((grant) => {
    const route = identity.route(grant.resource.resourceId);
    if (route === undefined) return [];
    claimed.add(grant);
    return [{ grant, connect: { principal: grant.principal, ...route } as Connect }];
  });
  const acknowledgements = acknowledgementsOfMetadata(provisioner.metadata, origin);
  const users = usersOf(provisioner, userSetObjects, origin)
    .map((spec): UserAccess => {
      const grantsOfUser = validatedGrants(spec, origin);
      const { assessed, unneeded } = assessFindings(broadGrantFindings(engine, grantsOfUser), acknowledgements.get(spec.username) ?? []);
      return {
        username: spec.username,
        requireSsl: spec.requireSsl,
        removalPolicy: spec.removalPolicy,
        adoptExistingUser: spec.adoptExistingUser,
        grants: grantsOfUser.map((grant) => ({
          on: formatGrantTarget(grant.target),
          privileges: grant.privileges,
          allPrivileges: isAllPrivileges(engine, grant),
        })),
        connects: sortConnects(routed.filter(({ grant }) => grant.resource.username === spec.username).map(({ connect }) => connect)),
        optIns: optInsOf(spec),
        findings: assessed,
        unneededAcknowledgements: unneeded,
      };
    })
    .sort((a, b) => compare(a.username, b.username));
  const patternConnects: PatternConnect[] = routed
    .filter(({ grant }) => isIamPattern(grant.resource.username))
    .map(({ grant, connect }) => ({ ...connect, usernamePattern: grant.resource.username }));
  const adminUsername = literalString(provisioner.properties[ProvisionerProperty.AdminIamUsername]);
  const adminConnects = routed.filter(({ grant }) => adminUsername !== undefined && grant.resource.username === adminUsername);
  const unknownUsers = routed.filter(
    ({ grant }) =>
      !isIamPattern(grant.resource.username) &&
      grant.resource.username !== adminUsername &&
      !users.some((user) => matchesIamPattern(grant.resource.username, user.username)),
  );
  return {
    logicalId: provisioner.logicalId,
    engine,
    endpoint: renderExpression(provisioner.properties[ProvisionerProperty.Endpoint]),
    resourceId: identity.resourceId,
    provisionerLogin:
      adminUsername === undefined
        ? `the master user, with the password of secret ${renderExpression(provisioner.properties[ProvisionerProperty.MasterSecretArn])}`
        : `IAM user ${adminUsername} (no secret; never created, changed or dropped by it), with a token signed by: ` +
          (sortConnects(adminConnects.map(({ connect }) => connect)).map(plainConnectText).join(', ') || 'no principal of this stack'),
    users,
    // A grant to a user name the provisioner does not declare still lets that principal in once someone creates it.
    patternConnects: sortConnects([...patternConnects, ...unknownUsers.map(({ grant, connect }) => ({ ...connect, usernamePattern: grant.resource.username }))]),
  };
}

/**
 * The least-privilege opt-in a user declares (`allowPrivileged: { reason, grants }`, issue 10), or none.
 * (Read structurally until DatabaseUserSpec declares the field; user sets written before it carry none.)
 */
function optInsOf(spec: DatabaseUserSpec): OptIn[] {
  const { allowPrivileged } = spec as { readonly allowPrivileged?: { readonly reason: string; readonly grants: readonly UserGrant[] } };
  if (allowPrivileged === undefined) return [];
  const covers = allowPrivileged.grants
    .map((grant) => `${[...grant.privileges].sort().join(', ')} ON ${grant.on}`)
    .sort()
    .join('; ');
  return [{ rule: 'allowPrivileged', covers, reason: allowPrivileged.reason }];
}

function engineOf(provisioner: TemplateResource, origin: string): DatabaseEngineFamily {
  const engine = provisioner.properties[ProvisionerProperty.Engine];
  if (engine === 'mysql' || engine === 'mariadb') return engine;
  throw new TemplateReadError(`${origin}: property ${ProvisionerProperty.Engine} = ${renderExpression(engine).slice(0, 64)} is not mysql or mariadb`);
}

/** The provisioner's users, inline (`Users`) or kept in an S3 object (`UsersObject`) read with the template. */
function usersOf(provisioner: TemplateResource, userSetObjects: UserSetObjectTexts | undefined, origin: string): DatabaseUserSpec[] {
  try {
    return userSetOf(provisioner.properties, userSetObjects);
  } catch (cause) {
    throw new TemplateReadError(`${origin}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The carried grants as the rules read them: targets parsed, privileges sorted. */
function validatedGrants(spec: DatabaseUserSpec, origin: string): ValidatedGrant[] {
  return spec.grants
    .map((grant) => {
      try {
        return { target: parseGrantTarget(grant.on), privileges: [...grant.privileges].sort() };
      } catch (cause) {
        throw new TemplateReadError(`${origin}: user ${spec.username}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
      }
    })
    .sort((a, b) => compare(formatGrantTarget(a.target), formatGrantTarget(b.target)));
}

function sortConnects<T extends Connect>(connects: readonly T[]): T[] {
  return [...connects].sort((a, b) => compare(connectKey(a), connectKey(b)));
}

function connectKey(connect: Connect & { readonly usernamePattern?: string }): string {
  return `${connect.usernamePattern ?? ''}\n${connect.principal}\n${connect.via ?? ''}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
