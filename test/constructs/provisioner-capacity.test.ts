import { Template } from 'aws-cdk-lib/assertions';
import { IamDatabaseUser } from '../../lib/constructs/iam-database-user';
import { LAMBDA_ASYNC_PAYLOAD_BYTES, provisionerCapacityProblems } from '../../lib/constructs/provisioner-capacity';
import { encodeUserSpecs } from '../../lib/contracts/provisioner/provisioner-properties';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { databaseFixture } from '../support/database-fixtures';
import { userSpec } from '../support/user-specs';

/** A name of exactly `length` characters, unique per index. */
const named = (prefix: string, index: number, length: number): string => `${prefix}${index}`.padEnd(length, 'x');

/** `count` users with three grants each, with the longest names MySQL allows (user 32, database and table 64). */
function longNamedUsers(count: number): DatabaseUserSpec[] {
  return Array.from({ length: count }, (_, index) =>
    userSpec(named('u', index, 32), {
      grants: [
        { on: `${named('tenant', index, 64)}.*`, privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
        { on: `${named('shared', 0, 64)}.${named('lookup', 0, 64)}`, privileges: ['SELECT'] },
        { on: `${named('audit', 0, 64)}.${named('events', 0, 64)}`, privileges: ['INSERT'] },
      ],
    }),
  );
}

describe('provisionerCapacityProblems', () => {
  it('lets 1,000 users with the longest names and three grants each deploy within every limit', () => {
    const users = longNamedUsers(1000);
    expect(provisionerCapacityProblems(users, encodeUserSpecs(users), 300)).toEqual([]);
  });

  it('stops 10,000 such users at synth, naming each limit they would break and the way out', () => {
    const users = longNamedUsers(10_000);
    const encoded = encodeUserSpecs(users);
    expect(2 * encoded.length).toBeGreaterThan(LAMBDA_ASYNC_PAYLOAD_BYTES);

    const problems = provisionerCapacityProblems(users, encoded, 300);

    expect(problems.map((problem) => problem.limit)).toEqual(['Lambda asynchronous payload (1 MB)', 'CloudFormation template (1 MB)', 'Lambda timeout']);
    expect(problems[0].message).toMatch(/10000 users encode to \d+ KiB.*split the users across databases/);
    expect(problems[2].message).toMatch(/about 40000 statements.*raise DatabaseUserProvisioner's timeout/);
  });

  it('asks for a longer timeout, not a smaller set, when only the projected run is too long', () => {
    const users = Array.from({ length: 6000 }, (_, index): DatabaseUserSpec => userSpec(`t${index}`, { grants: [{ on: 'app.*', privileges: ['SELECT'] }] }));
    const problems = provisionerCapacityProblems(users, encodeUserSpecs(users), 60);
    expect(problems.map((problem) => problem.limit)).toEqual(['Lambda timeout']);
    expect(provisionerCapacityProblems(users, encodeUserSpecs(users), 900)).toEqual([]);
  });
});

describe('DatabaseUserProvisioner capacity at synth', () => {
  it('refuses to synthesize a user set an Update event could not carry', () => {
    const { stack, provisioner } = databaseFixture();
    for (const [index, spec] of longNamedUsers(2500).entries()) {
      new IamDatabaseUser(stack, `User${index}`, { provisioner, username: spec.username, grants: spec.grants });
    }

    expect(() => Template.fromStack(stack)).toThrow(/Lambda asynchronous payload \(1 MB\): the 2500 users encode to/);
  });
});
