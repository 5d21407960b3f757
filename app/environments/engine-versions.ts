import type { DatabaseEngineFamily } from '../../lib';
import { RdsIamError } from '../../lib/errors/rds-iam-error';

/**
 * The database engine versions the constructs build, checked at synth so a typo or an unsupported line fails before
 * CloudFormation does (RDS would refuse it at deploy time, minutes in).
 */

/** A version as RDS names it, and the major version aws-cdk-lib groups parameter groups by. */
export interface ResolvedEngineVersion {
  /** The `EngineVersion` RDS takes, e.g. `8.0.mysql_aurora.3.10.3`, `8.4.7`, `8.4.6`, `10.11.16`. */
  readonly engineVersion: string;
  /** e.g. `8.0`, `8.4`, `10.11`. */
  readonly majorVersion: string;
}

/** A version line the constructs support, and how to name its versions. */
interface SupportedLine {
  readonly major: string;
  /** What a version of the line looks like, for the error message. */
  readonly example: string;
  readonly note?: string;
}

/** Aurora MySQL: version 3 (MySQL 8.0 compatible, `3.xx.y`) and the 8.4-compatible line (`8.4.y`, numbered as its MySQL). */
const AURORA_LINES: readonly SupportedLine[] = [
  { major: '3', example: '3.10.3', note: 'MySQL 8.0 compatible' },
  { major: '8.4', example: '8.4.7', note: 'MySQL 8.4 compatible; require_secure_transport on by default' },
];

/** RDS for MySQL and RDS for MariaDB major versions. */
const INSTANCE_LINES: Readonly<Record<DatabaseEngineFamily, readonly SupportedLine[]>> = {
  mysql: [
    { major: '8.0', example: '8.0.46', note: 'in paid extended support from 2026-08-01' },
    { major: '8.4', example: '8.4.6' },
    { major: '9.7', example: '9.7.0' },
  ],
  mariadb: [
    { major: '10.11', example: '10.11.16' },
    { major: '11.4', example: '11.4.8' },
    { major: '11.8', example: '11.8.3' },
  ],
};

/** Why a declared version was refused: the field, the value (bounded) and the supported lines. */
export class UnsupportedEngineVersionError extends RdsIamError {
  constructor(
    public readonly field: string,
    value: string,
    lines: readonly SupportedLine[],
  ) {
    const supported = lines.map((line) => `${line.major}.x (e.g. ${line.example}${line.note === undefined ? '' : `; ${line.note}`})`).join(', ');
    super('RDS_IAM_UNSUPPORTED_ENGINE_VERSION', `${field} = ${JSON.stringify(value.slice(0, 64))}: not a version the constructs support. Use one of: ${supported}.`);
    this.name = 'UnsupportedEngineVersionError';
  }
}

const AURORA_3 = /^3\.(\d{2})\.(\d{1,2})$/;
const DOTTED = /^(\d{1,2}\.\d{1,2})\.(\d{1,3})$/;

/** The engine version of an Aurora MySQL cluster declared as `3.10.3` or `8.4.7`. */
export function auroraMysqlEngineVersion(auroraVersion: string, field = 'database.auroraVersion'): ResolvedEngineVersion {
  if (AURORA_3.test(auroraVersion)) return { engineVersion: `8.0.mysql_aurora.${auroraVersion}`, majorVersion: '8.0' };
  const dotted = DOTTED.exec(auroraVersion);
  if (dotted?.[1] === '8.4') return { engineVersion: auroraVersion, majorVersion: '8.4' };
  throw new UnsupportedEngineVersionError(field, auroraVersion, AURORA_LINES);
}

/** The engine version of an RDS for MySQL or MariaDB instance, checked against the supported major versions. */
export function instanceEngineVersion(engine: DatabaseEngineFamily, engineVersion: string, field = 'database.engineVersion'): ResolvedEngineVersion {
  const dotted = DOTTED.exec(engineVersion);
  const line = INSTANCE_LINES[engine].find((candidate) => candidate.major === dotted?.[1]);
  if (dotted === null || line === undefined) throw new UnsupportedEngineVersionError(field, engineVersion, INSTANCE_LINES[engine]);
  return { engineVersion, majorVersion: line.major };
}
