import { CfnOutput } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { IamDatabaseUser, type IamDatabaseUserProps } from '../../lib/constructs/iam-database-user';
import type { SynthesizedTemplate } from '../../lib/review/cloudformation-template';
import { type DatabaseFixture, databaseFixture, type FixtureKind } from './database-fixtures';

/**
 * Small stacks declared through the real constructs and synthesized by aws-cdk-lib, for access review tests: one
 * database, its users, and roles (made in the stack) allowed to connect as them.
 */

export interface FixtureUser extends Omit<IamDatabaseUserProps, 'provisioner' | 'connectPrincipals'> {
  /** Names of roles made in the stack (`Role<name>`) that may connect as the user. */
  readonly connectRoles?: readonly string[];
}

export interface AccessFixtureDeclaration {
  readonly users: readonly FixtureUser[];
  readonly kind?: FixtureKind;
  /** The provisioner's IAM admin user (`adminUser.iamUsername`); the master secret path without it. */
  readonly adminIamUsername?: string;
  /** Anything else to declare in the stack (a proxy, a hand-written policy). */
  readonly extra?: (fixture: DatabaseFixture, roles: ReadonlyMap<string, Role>) => void;
}

export const FIXTURE_STACK_NAME = 'Fixture';

function declareFixture(declaration: AccessFixtureDeclaration, outdir?: string): DatabaseFixture & { readonly roles: ReadonlyMap<string, Role> } {
  const fixture = databaseFixture({
    kind: declaration.kind,
    outdir,
    ...(declaration.adminIamUsername === undefined ? {} : { provisioner: { adminUser: { iamUsername: declaration.adminIamUsername } } }),
  });
  const roles = new Map<string, Role>();
  const roleNamed = (scope: Construct, name: string): Role => {
    const existing = roles.get(name);
    if (existing !== undefined) return existing;
    const role = new Role(scope, `Role${name}`, { assumedBy: new AccountRootPrincipal() });
    roles.set(name, role);
    return role;
  };
  for (const { connectRoles, ...props } of declaration.users) {
    const user = new IamDatabaseUser(fixture.stack, `User-${props.username}`, { provisioner: fixture.provisioner, ...props });
    for (const name of connectRoles ?? []) user.grantConnect(roleNamed(fixture.stack, name));
  }
  declaration.extra?.(fixture, roles);
  new CfnOutput(fixture.stack, 'Marker', { value: 'access fixture' });
  return { ...fixture, roles };
}

/** The synthesized template of a fixture, as `rds-iam diff` would read it from cdk.out. */
export function accessFixtureTemplate(declaration: AccessFixtureDeclaration): SynthesizedTemplate {
  const { stack } = declareFixture(declaration);
  return { stackName: FIXTURE_STACK_NAME, template: Template.fromStack(stack).toJSON(), origin: 'fixture' };
}

/** Synthesizes a fixture into a real cloud assembly directory (manifest.json and templates), as `cdk synth` does. */
export function writeAccessFixtureAssembly(declaration: AccessFixtureDeclaration, outdir: string): void {
  declareFixture(declaration, outdir).app.synth();
}
