import { auroraMysqlEngineVersion, instanceEngineVersion, UnsupportedEngineVersionError } from '../../app/environments/engine-versions';

describe('auroraMysqlEngineVersion', () => {
  it.each([
    ['3.10.3', '8.0.mysql_aurora.3.10.3', '8.0'],
    ['3.04.0', '8.0.mysql_aurora.3.04.0', '8.0'],
    ['8.4.7', '8.4.7', '8.4'],
  ])('names Aurora MySQL %s as engine version %s (major %s)', (declared, engineVersion, majorVersion) => {
    expect(auroraMysqlEngineVersion(declared)).toEqual({ engineVersion, majorVersion });
  });

  it.each([['2.11.2'], ['3.1'], ['8.0.mysql_aurora.3.10.3'], ['9.7.0'], ['3.10.3; DROP'], ['']])('refuses %j, naming the field and the supported lines', (declared) => {
    expect(() => auroraMysqlEngineVersion(declared)).toThrow(UnsupportedEngineVersionError);
    expect(() => auroraMysqlEngineVersion(declared)).toThrow(
      `database.auroraVersion = ${JSON.stringify(declared)}: not a version the constructs support. Use one of: 3.x (e.g. 3.10.3; MySQL 8.0 compatible), 8.4.x`,
    );
  });
});

describe('instanceEngineVersion', () => {
  it.each([
    ['mysql', '8.0.46', '8.0'],
    ['mysql', '8.4.8', '8.4'],
    ['mysql', '9.7.0', '9.7'],
    ['mariadb', '10.11.16', '10.11'],
    ['mariadb', '11.4.8', '11.4'],
  ] as const)('accepts %s %s (major %s)', (engine, engineVersion, majorVersion) => {
    expect(instanceEngineVersion(engine, engineVersion)).toEqual({ engineVersion, majorVersion });
  });

  it.each([
    ['mysql', '5.7.44'],
    ['mysql', '10.11.16'],
    ['mariadb', '8.4.8'],
    ['mariadb', '10.6.22'],
    ['mysql', '8.4'],
  ] as const)('refuses %s %s with the supported lines of that engine', (engine, engineVersion) => {
    expect(() => instanceEngineVersion(engine, engineVersion)).toThrow(`database.engineVersion = "${engineVersion}": not a version the constructs support`);
  });

  it('bounds the quoted value', () => {
    expect(() => instanceEngineVersion('mysql', 'x'.repeat(500))).toThrow(`"${'x'.repeat(64)}"`);
  });
});
