import { createHash } from 'node:crypto';

/**
 * Values shaped as AWS makes them (names CloudFormation generates, RDS resource ids, Secrets Manager ARNs, …),
 * drawn from a seed so that one stack rehearses with the same values every time.
 */
export class AwsValueShapes {
  constructor(private readonly seed: string) {}

  /** `length` characters of `alphabet`, determined by the seed and `purpose`. */
  characters(purpose: string, length: number, alphabet: string): string {
    let out = '';
    for (let block = 0; out.length < length; block++) {
      const digest = createHash('sha256').update(`${this.seed}\0${purpose}\0${block}`).digest();
      for (const byte of digest) {
        if (out.length === length) break;
        out += alphabet[byte % alphabet.length];
      }
    }
    return out;
  }

  /** Lower-case hex. */
  hex(purpose: string, length: number): string {
    return this.characters(purpose, length, HEX);
  }

  /** A version 4 UUID. */
  uuid(purpose: string): string {
    const h = this.hex(purpose, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /**
   * A name CloudFormation generates for a resource without one: `<stack>-<logical id>-<suffix>`, cut to `maxLength`
   * from the middle as CloudFormation does. Lambda functions and IAM roles get a 12-character mixed-case suffix.
   */
  generatedName(stackName: string, logicalId: string, options: { maxLength: number; lowerCase?: boolean }): string {
    const suffix = options.lowerCase ? this.characters(`name:${logicalId}`, 12, LOWER_ALNUM) : this.characters(`name:${logicalId}`, 12, MIXED_ALNUM);
    const stack = options.lowerCase ? stackName.toLowerCase() : stackName;
    const logical = options.lowerCase ? logicalId.toLowerCase() : logicalId;
    const room = options.maxLength - suffix.length - 2;
    const stackPart = stack.slice(0, Math.max(1, Math.min(stack.length, Math.floor(room / 2))));
    const logicalPart = logical.slice(0, room - stackPart.length);
    return `${stackPart}-${logicalPart}-${suffix}`;
  }

  /** A cluster's `DbClusterResourceId` (`cluster-` and 26 upper-case letters and digits) or an instance's `DbiResourceId` (`db-…`). */
  rdsResourceId(kind: 'cluster' | 'instance', purpose: string): string {
    return `${kind === 'cluster' ? 'cluster' : 'db'}-${this.characters(`resource-id:${purpose}`, 26, UPPER_ALNUM)}`;
  }

  /** An RDS Proxy's resource id, the last part of its ARN: `prx-` and 17 lower-case hex digits. */
  rdsProxyResourceId(purpose: string): string {
    return `prx-${this.hex(`proxy-id:${purpose}`, 17)}`;
  }

  /** The 6-character suffix Secrets Manager appends to a secret's name in its ARN. */
  secretArnSuffix(purpose: string): string {
    return this.characters(`secret-suffix:${purpose}`, 6, MIXED_ALNUM);
  }

  /** An EC2 id such as `sg-0123456789abcdef0`. */
  ec2Id(prefix: string, purpose: string): string {
    return `${prefix}-0${this.hex(`ec2:${purpose}`, 16)}`;
  }

  /** An IAM unique id such as `AROA…` (role) with 17 more upper-case letters and digits. */
  iamUniqueId(prefix: string, purpose: string): string {
    return `${prefix}${this.characters(`iam-id:${purpose}`, 17, UPPER_ALNUM)}`;
  }
}

const HEX = '0123456789abcdef';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The partition and DNS suffix of a region, as `AWS::Partition` and `AWS::URLSuffix` resolve. */
export function partitionOf(region: string): { partition: string; urlSuffix: string } {
  if (region.startsWith('cn-')) return { partition: 'aws-cn', urlSuffix: 'amazonaws.com.cn' };
  if (region.startsWith('us-gov-')) return { partition: 'aws-us-gov', urlSuffix: 'amazonaws.com' };
  return { partition: 'aws', urlSuffix: 'amazonaws.com' };
}
