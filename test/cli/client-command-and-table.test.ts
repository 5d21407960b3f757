import { buildClientCommand, formatClientCommand } from '../../lib/cli/mysql-client-command';
import { formatResultTable, formatStatementResult } from '../../lib/cli/result-table';

describe('buildClientCommand', () => {
  const base = { program: 'mariadb', host: 'db.abc.eu-west-1.rds.amazonaws.com', port: 3306, user: 'app', caFile: '/ca.pem' } as const;

  it.each([
    ['mariadb', false, ['--ssl-verify-server-cert']],
    ['mariadb', true, []],
    ['mysql', false, ['--ssl-mode=VERIFY_IDENTITY', '--enable-cleartext-plugin']],
    ['mysql', true, ['--ssl-mode=VERIFY_CA', '--enable-cleartext-plugin']],
  ] as const)('gives a %s client (through a tunnel: %p) TLS flags %p and never a password', (flavor, viaTunnel, tlsFlags) => {
    const command = buildClientCommand({ ...base, flavor, viaTunnel });

    expect(command.args).toEqual([
      '--host=db.abc.eu-west-1.rds.amazonaws.com', '--port=3306', '--user=app', '--protocol=TCP', '--ssl-ca=/ca.pem', ...tlsFlags,
    ]);
    expect(command.args.join(' ')).not.toMatch(/password|MYSQL_PWD/i);
  });

  it('quotes words a shell would split when printing the command', () => {
    const command = buildClientCommand({ ...base, flavor: 'mariadb', caFile: "/tmp/my ca's.pem", database: 'shop' });

    expect(formatClientCommand(command)).toBe(
      "MYSQL_PWD='<redacted IAM token>' mariadb --host=db.abc.eu-west-1.rds.amazonaws.com --port=3306 --user=app " +
        "--protocol=TCP '--ssl-ca=/tmp/my ca'\\''s.pem' --ssl-verify-server-cert --database=shop",
    );
  });
});

describe('formatResultTable', () => {
  it('pads columns to the widest value, counting characters not bytes, and prints NULL', () => {
    const table = formatResultTable({ columns: ['name', 'note'], rows: [['café', null], ['x', 'line\nbreak']] });

    expect(table).toBe(
      ['+------+-------------+', '| name | note        |', '+------+-------------+', '| café | NULL        |', '| x    | line\\nbreak |', '+------+-------------+', '2 rows in set', ''].join('\n'),
    );
  });

  it('says Empty set for no rows, and counts affected rows for statements', () => {
    expect(formatResultTable({ columns: ['a'], rows: [] })).toBe('Empty set\n');
    expect(formatStatementResult(1)).toBe('Query OK, 1 row affected\n');
    expect(formatStatementResult(0)).toBe('Query OK, 0 rows affected\n');
  });
});
