/**
 * 10,000 users with the longest names (user 32 characters, database and table 64) and three grants each: the dev
 * stack synthesized with them by the real app's stack keeps the set in an S3 object, and its rehearsal on the
 * emulator under Node.js 24 goes through create, an unchanged update, a changing update and a delete within every
 * limit CloudFormation and Lambda set, each step judged as CloudFormation reads it, with IAM logins for a sample.
 * MariaDB only (the whole lifecycle and MySQL: bench/rehearse-scale.ts, figures in the README).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { templateUserSetObjects } from '../../lib/assembly/user-set-objects';
import { LAMBDA_ASYNC_PAYLOAD_BYTES } from '../../lib/constructs/provisioner-capacity';
import { PROVISIONER_RESOURCE_TYPE, ProvisionerProperty } from '../../lib/contracts/provisioner/provisioner-properties';
import { rehearseStack } from '../../lib/rehearsal/rehearse-stack';
import { createLongNamedTables } from '../support/long-named-users';
import { SCALE_STACK, scaleTemplateBody, useScaleAssembly, userSetAssetFile } from '../support/scale-assembly';

const USERS = 10_000;
/** CloudFormation's limit on a template given through S3 (what `cdk deploy` does). */
const TEMPLATE_LIMIT_BYTES = 1024 * 1024;
const cdkOut = useScaleAssembly(USERS);

describe(`a stack of ${USERS} users with the longest names, rehearsed from a real cdk synth on mariadb`, () => {
  it('keeps the set in an S3 object, outside the template, and passes create, both updates and delete within every limit', async () => {
    // Prepare: what the synth made of it.
    const template = JSON.parse(scaleTemplateBody(cdkOut())) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const [provisioner] = Object.values(template.Resources).filter((resource) => resource.Type === PROVISIONER_RESOURCE_TYPE);
    expect(provisioner.Properties).not.toHaveProperty(ProvisionerProperty.Users);
    expect(templateUserSetObjects(template)).toHaveLength(1);
    expect(statSync(join(cdkOut(), `${SCALE_STACK}.template.json`)).size).toBeLessThan(TEMPLATE_LIMIT_BYTES / 10);
    expect(JSON.parse(readFileSync(userSetAssetFile(cdkOut()), 'utf8'))).toHaveLength(USERS);

    // Act
    const report = await rehearseStack({
      assemblyDirectory: cdkOut(),
      stackName: SCALE_STACK,
      emulator: { engine: 'mariadb' },
      scope: 'core',
      loginSample: 100,
      prepareServer: createLongNamedTables,
    });

    // Assess: every step sound (responses within 4,096 bytes, no secret, the same answer to a repeated event, no
    // Lambda timeout or memory above MemorySize, the users as declared, nothing left behind).
    expect(report.steps.map((step) => ({ step: step.name, problems: step.problems }))).toEqual(
      ['create', 'update, properties unchanged', 'update, users changed', 'delete, leaving the database as found'].map((step) => ({ step, problems: [] })),
    );
    // One CREATE USER and three GRANTs per user; nothing for the unchanged set; one user dropped, one added (CREATE
    // USER and GRANT) and one grant more; every user dropped.
    expect(report.steps.map((step) => step.statements)).toEqual([4 * USERS, 0, 4, USERS]);
    // The Update event carries old and new properties, each a few hundred bytes with the set in an object.
    for (const step of report.steps) expect(step.largestEventBytes).toBeLessThan(LAMBDA_ASYNC_PAYLOAD_BYTES / 100);
    for (const step of report.steps) expect(step.largestResponseBytes).toBeLessThan(4096);
    expect(report.ok).toBe(true);
  }, 600_000);
});
