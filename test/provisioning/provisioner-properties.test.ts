import { decodeUserSpecs, encodeUserSpecs, ProvisionerPropertiesError } from '../../lib/provisioning/provisioner-properties';
import type { DatabaseUserSpec } from '../../lib/users/database-user-spec';
import { userSpec } from '../support/user-specs';

const OPT_IN = { reason: 'Replication lag monitor reads binary log positions', grants: [{ on: '*.*', privileges: ['BINLOG MONITOR'] }] };

function decodeFailure(encoded: unknown): ProvisionerPropertiesError {
  try {
    decodeUserSpecs(encoded);
  } catch (error) {
    if (error instanceof ProvisionerPropertiesError) return error;
    throw error;
  }
  throw new Error('expected the user set to be refused');
}

describe('the user wire encoding', () => {
  it.each<[string, DatabaseUserSpec]>([
    ['the defaults', userSpec('app', { grants: [{ on: 'app.*', privileges: ['INSERT', 'SELECT'] }] })],
    ['every flag off the default', userSpec('legacy', { requireSsl: false, removalPolicy: 'retain', adoptExistingUser: true })],
    ['an opt-in with its reason', userSpec('monitor', { grants: OPT_IN.grants, allowPrivileged: OPT_IN })],
  ])('round-trips %s exactly', (_label, user) => {
    expect(decodeUserSpecs(encodeUserSpecs([user]))).toEqual([user]);
  });

  it('writes the opt-in by its name, so the template shows it to a reviewer', () => {
    const encoded = encodeUserSpecs([userSpec('monitor', { grants: OPT_IN.grants, allowPrivileged: OPT_IN })]);
    expect(JSON.parse(encoded)).toEqual([
      {
        u: 'monitor',
        g: [['*.*', 'BINLOG MONITOR']],
        allowPrivileged: { reason: OPT_IN.reason, grants: [['*.*', 'BINLOG MONITOR']] },
      },
    ]);
  });

  it('still reads a set written before opt-ins existed (an Update event carries the old one)', () => {
    expect(decodeUserSpecs('[{"u":"app_rw","g":[["*.*","ALTER,DELETE,INSERT,SELECT,UPDATE"]],"r":"retain","a":1}]')).toEqual([
      userSpec('app_rw', { grants: [{ on: '*.*', privileges: ['ALTER', 'DELETE', 'INSERT', 'SELECT', 'UPDATE'] }], removalPolicy: 'retain', adoptExistingUser: true }),
    ]);
  });

  // One encoding on both sides: a flag means one thing, so anything but the exact literal is refused, never coerced.
  it.each<[string, unknown]>([
    ['adoption as the string "false"', [{ u: 'a', g: [], a: 'false' }]],
    ['adoption as true', [{ u: 'a', g: [], a: true }]],
    ['TLS off as the string "false"', [{ u: 'a', g: [], s: 'false' }]],
    ['TLS off as false', [{ u: 'a', g: [], s: false }]],
    ['a removal policy other than retain', [{ u: 'a', g: [], r: 'drop' }]],
    ['a target as a number', [{ u: 'a', g: [[42, 'SELECT']] }]],
    ['an unknown field', [{ u: 'a', g: [], x: 1 }]],
    ['an opt-in without a reason', [{ u: 'a', g: [], allowPrivileged: { grants: [] } }]],
    ['an opt-in with an unknown field', [{ u: 'a', g: [], allowPrivileged: { reason: 'r', grants: [], rules: [] } }]],
    ['a set that is not an array', { u: 'a', g: [] }],
  ])('refuses %s', (_label, wire) => {
    expect(decodeFailure(JSON.stringify(wire)).code).toBe('RDS_IAM_INVALID_PROVISIONER_PROPERTIES');
  });

  it('keeps its error under 4 KB for a huge malformed set', () => {
    const wire = Array.from({ length: 5_000 }, () => ({ u: 1, g: 'x', [`k${'y'.repeat(10_000)}`]: 1 }));
    const error = decodeFailure(JSON.stringify(wire));
    expect(Buffer.byteLength(error.message)).toBeLessThan(4096);
    expect(error.message).toMatch(/… and [\d,]+ more problems/);
  });
});
