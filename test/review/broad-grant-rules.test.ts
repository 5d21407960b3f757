import { BroadGrantRuleId, broadGrantFindings, isAllPrivileges } from '../../lib/review/broad-grant-rules';
import {
  acknowledgementProblems,
  acknowledgementsOfMetadata,
  assessFindings,
  ACKNOWLEDGED_WARNINGS_METADATA_KEY,
} from '../../lib/review/warning-acknowledgement';
import type { DatabaseEngineFamily } from '../../lib/users/database-user-spec';
import { parseGrantTarget } from '../../lib/users/grant-target';
import { expandAllPrivileges } from '../../lib/users/privileges';
import { isWritePrivilege } from '../../lib/users/read-only-privileges';

const grant = (on: string, ...privileges: string[]) => ({ target: parseGrantTarget(on), privileges });

describe('broad grant rules', () => {
  it.each<[string, DatabaseEngineFamily, ReturnType<typeof grant>, string[]]>([
    ['a write privilege on *.*', 'mysql', grant('*.*', 'INSERT', 'SELECT'), [BroadGrantRuleId.WriteOnEveryDatabase]],
    ['a schema privilege on *.*', 'mysql', grant('*.*', 'ALTER'), [BroadGrantRuleId.WriteOnEveryDatabase]],
    ['EXECUTE on *.* (a routine can write with its definer rights)', 'mysql', grant('*.*', 'EXECUTE'), [BroadGrantRuleId.WriteOnEveryDatabase]],
    ['reading only, on *.*', 'mysql', grant('*.*', 'SELECT', 'SHOW VIEW'), [BroadGrantRuleId.ReadOnEveryDatabase]],
    ['reading the binary log on *.*', 'mariadb', grant('*.*', 'REPLICATION SLAVE', 'BINLOG MONITOR'), [BroadGrantRuleId.ReadOnEveryDatabase]],
    ['ALL on a database (MySQL)', 'mysql', grant('orders.*', ...expandAllPrivileges('mysql', 'database')), [BroadGrantRuleId.AllPrivileges]],
    ['ALL on a table (MariaDB)', 'mariadb', grant('orders.items', ...expandAllPrivileges('mariadb', 'table')), [BroadGrantRuleId.AllPrivileges]],
    ['writes on one database', 'mysql', grant('orders.*', 'SELECT', 'INSERT', 'UPDATE', 'DELETE'), []],
    ['all but one privilege on a database', 'mysql', grant('orders.*', ...expandAllPrivileges('mysql', 'database').filter((p) => p !== 'DROP')), []],
    ['reading one table', 'mysql', grant('audit.events', 'SELECT'), []],
  ])('%s', (_label, engine, reviewed, expected) => {
    // Act
    const findings = broadGrantFindings(engine, [reviewed]);

    // Assess
    expect(findings.map((finding) => finding.ruleId)).toEqual(expected);
    for (const finding of findings) {
      expect(finding.summary).toContain(finding.on);
      expect(finding.fix.length).toBeGreaterThan(0);
    }
  });

  it('names the write privileges of a grant on *.*, and only those', () => {
    const [finding] = broadGrantFindings('mysql', [grant('*.*', 'DELETE', 'SELECT', 'UPDATE')]);
    expect(finding.summary).toBe('may change every database, including ones created later: DELETE, UPDATE ON *.*');
  });

  it('never calls a *.* grant ALL (the master user cannot grant ALL there)', () => {
    expect(isAllPrivileges('mysql', grant('*.*', ...expandAllPrivileges('mysql', 'global')))).toBe(false);
  });

  it('counts every privilege that is not known to only read as a write privilege', () => {
    expect(['SELECT', 'SHOW VIEW', 'PROCESS', 'LOCK TABLES'].filter(isWritePrivilege)).toEqual([]);
    expect(['INSERT', 'DROP', 'CREATE USER', 'EVENT', 'TRIGGER', 'DELETE HISTORY', 'SOME FUTURE PRIVILEGE'].every(isWritePrivilege)).toBe(true);
  });
});

describe('acknowledgements of broad grants', () => {
  const reason = 'copies every database into the warehouse';

  it.each<[string, unknown, RegExp[]]>([
    ['none', undefined, []],
    ['a valid one', [{ id: BroadGrantRuleId.ReadOnEveryDatabase, reason }], []],
    ['not a list', { id: BroadGrantRuleId.ReadOnEveryDatabase, reason }, [/^acknowledgeWarnings = \{.*: must be a list of \{ id, reason \}$/]],
    ['an unknown id', [{ id: 'AwsSolutions-IAM5', reason }], [/^acknowledgeWarnings\[0\]\.id = "AwsSolutions-IAM5": must be one of rds-iam-mysql:WriteOnEveryDatabase, /]],
    ['no reason', [{ id: BroadGrantRuleId.AllPrivileges }], [/^acknowledgeWarnings\[0\]\.reason = undefined: state why the grant is needed in 10 to 300 characters/]],
    ['a reason too short', [{ id: BroadGrantRuleId.AllPrivileges, reason: '  needed ' }], [/reason = " {2}needed ": state why/]],
    ['a reason on two lines', [{ id: BroadGrantRuleId.AllPrivileges, reason: 'first line\nsecond line' }], [/reason = "first line\\nsecond line": state why/]],
    ['a huge reason, quoted to 64 characters', [{ id: BroadGrantRuleId.AllPrivileges, reason: 'x'.repeat(100_000) }], [/reason = "x{60}\.\.\.: state why/]],
    ['not an object', ['because'], [/^acknowledgeWarnings\[0\] = "because": must be \{ id, reason \}$/]],
  ])('%s', (_label, declared, expected) => {
    const problems = acknowledgementProblems(declared, 'acknowledgeWarnings');
    expect(problems).toHaveLength(expected.length);
    expected.forEach((pattern, index) => expect(problems[index]).toMatch(pattern));
    for (const problem of problems) expect(problem.length).toBeLessThan(400);
  });

  it('pairs findings with their reasons and returns the acknowledgements no finding needs', () => {
    // Prepare
    const findings = broadGrantFindings('mysql', [grant('*.*', 'SELECT'), grant('orders.*', ...expandAllPrivileges('mysql', 'database'))]);
    const all = { id: BroadGrantRuleId.AllPrivileges, reason: ' runs the schema migrations ' };
    const stale = { id: BroadGrantRuleId.WriteOnEveryDatabase, reason: 'wrote everywhere once' };

    // Act
    const { assessed, unneeded } = assessFindings(findings, [all, stale]);

    // Assess
    expect(assessed.map((entry) => [entry.finding.ruleId, entry.acknowledgedBecause])).toEqual([
      [BroadGrantRuleId.ReadOnEveryDatabase, undefined],
      [BroadGrantRuleId.AllPrivileges, 'runs the schema migrations'],
    ]);
    expect(unneeded).toEqual([stale]);
  });

  it('reads them back from provisioner metadata, by user', () => {
    const metadata = { [ACKNOWLEDGED_WARNINGS_METADATA_KEY]: { etl: [{ id: BroadGrantRuleId.ReadOnEveryDatabase, reason }] }, 'aws:cdk:path': 'x' };
    expect([...acknowledgementsOfMetadata(metadata, 'f')]).toEqual([['etl', [{ id: BroadGrantRuleId.ReadOnEveryDatabase, reason }]]]);
    expect(acknowledgementsOfMetadata({}, 'f').size).toBe(0);
    expect(() => acknowledgementsOfMetadata({ [ACKNOWLEDGED_WARNINGS_METADATA_KEY]: ['x'] }, 'f.json')).toThrow(/^f\.json: metadata rds-iam-mysql:acknowledgedWarnings must map/);
  });
});
