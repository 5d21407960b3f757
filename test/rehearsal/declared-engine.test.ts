import { readAssemblyStack, type AssemblyStack } from '../../lib/rehearsal/cloud-assembly';
import { declaredEngine, rehearsalEngine } from '../../lib/rehearsal/declared-engine';
import { RehearsalError } from '../../lib/rehearsal/rehearsal-error';
import { useSynthesizedApp } from './synthesized-app';

const cdkOut = useSynthesizedApp();

/** A stack whose template holds user provisioners declaring these engines (and one unrelated custom resource). */
function stackDeclaring(...engines: string[]): AssemblyStack {
  const provisioners = Object.fromEntries(
    engines.map((engine, index) => [`Users${index}`, { Type: 'Custom::RdsIamDatabaseUsers', Properties: { ServiceToken: 'arn', Engine: engine } }]),
  );
  return {
    stackName: 'RdsIamMysql-mixed',
    account: '111111111111',
    region: 'eu-west-1',
    template: { Resources: { ...provisioners, Other: { Type: 'Custom::Other', Properties: { Engine: 'postgres' } } } },
    assetDirectoryByObjectKey: new Map(),
    userSetObjects: new Map(),
  } as AssemblyStack;
}

describe('the engine a rehearsal runs on', () => {
  it.each([
    ['RdsIamMysql-dev', 'mysql'],
    ['RdsIamMysql-staging', 'mysql'],
    ['RdsIamMysql-prod', 'mysql'],
  ])("is what %s's provisioner declares (%s), read from the synthesized template", async (stackName, engine) => {
    expect(declaredEngine(await readAssemblyStack(cdkOut(), stackName))).toBe(engine);
    expect(await rehearsalEngine(cdkOut(), stackName)).toEqual({ engine, source: 'declared' });
  });

  it('is the one --engine names, whatever the stack declares', async () => {
    expect(await rehearsalEngine(cdkOut(), 'RdsIamMysql-dev', 'mariadb')).toEqual({ engine: 'mariadb', source: 'requested' });
  });

  it('is left to the emulator when no provisioner declares one', () => {
    expect(declaredEngine(stackDeclaring())).toBeUndefined();
  });

  it('must be chosen with --engine when the databases of a stack declare different engines', () => {
    expect(declaredEngine(stackDeclaring('mysql', 'mysql'))).toBe('mysql');
    expect(() => declaredEngine(stackDeclaring('mysql', 'mariadb'))).toThrow(RehearsalError);
    expect(() => declaredEngine(stackDeclaring('mysql', 'mariadb'))).toThrow('declares databases of several engines (mariadb, mysql); the rehearsal runs one emulator: choose its engine with --engine');
  });
});
