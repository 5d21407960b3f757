import { isRecord } from './cloudformation-template';
import { renderExpression } from './intrinsic-expression';

/**
 * The `Resource` of an `rds-db:connect` statement, taken apart: which database (its resource id: `cluster-…`, `db-…`,
 * `prx-…` or an expression such as `GetAtt Database.DBClusterResourceId`) and which user name (or pattern).
 *
 * `arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<user name>` arrives as a literal string, as an
 * `Fn::Join` of literals and intrinsics (what aws-cdk-lib's `Stack.formatArn` writes), or as an `Fn::Sub`.
 */
export interface DbUserResource {
  /** A literal (`cluster-ABC…`, `prx-0123…`, `*`) or an intrinsic expression. */
  readonly resourceId: unknown;
  /** The user name, or an IAM pattern with `*` and `?`; a name only known at deploy time is rendered (`${Ref P}`). */
  readonly username: string;
  /** The whole resource, readable. */
  readonly rendered: string;
}

const DBUSER_MARKER = ':dbuser:';

type Part = { readonly literal: string } | { readonly expression: unknown };

/** Takes a statement's resource apart, or returns undefined when it names no database user (another service). */
export function parseDbUserResource(resource: unknown): DbUserResource | undefined {
  const rendered = renderExpression(resource);
  if (resource === '*') return { resourceId: '*', username: '*', rendered };
  const parts = mergeLiterals(flatten(resource));
  const markerIndex = parts.findIndex((part) => 'literal' in part && part.literal.includes(DBUSER_MARKER));
  if (markerIndex < 0) return undefined;
  const marker = parts[markerIndex] as { literal: string };
  const prefix = parts.slice(0, markerIndex).map((part) => ('literal' in part ? part.literal : '')).join('') +
    marker.literal.slice(0, marker.literal.indexOf(DBUSER_MARKER));
  if (!/:(rds-db|\*):/.test(`${prefix}:`)) return undefined;

  const rest: Part[] = [{ literal: marker.literal.slice(marker.literal.indexOf(DBUSER_MARKER) + DBUSER_MARKER.length) }, ...parts.slice(markerIndex + 1)];
  const slashIndex = rest.findIndex((part) => 'literal' in part && part.literal.includes('/'));
  if (slashIndex < 0) return undefined;
  const slashPart = rest[slashIndex] as { literal: string };
  const cut = slashPart.literal.indexOf('/');
  const idParts = mergeLiterals([...rest.slice(0, slashIndex), { literal: slashPart.literal.slice(0, cut) }]);
  const userParts = mergeLiterals([{ literal: slashPart.literal.slice(cut + 1) }, ...rest.slice(slashIndex + 1)]);
  return { resourceId: partsValue(idParts), username: userParts.map(renderPart).join(''), rendered };
}

/** True when an IAM pattern (`*` any run, `?` one character) matches the name; IAM compares user names case-sensitively here. */
export function matchesIamPattern(pattern: string, name: string): boolean {
  const regex = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
  return regex.test(name);
}

/** True when the text is a pattern rather than one name. */
export function isIamPattern(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

function flatten(value: unknown): Part[] {
  if (typeof value === 'string') return [{ literal: value }];
  if (isRecord(value) && Object.keys(value).length === 1) {
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      const separator = join[0];
      return join[1].flatMap((item, index) => [...(index > 0 && separator !== '' ? [{ literal: separator }] : []), ...flatten(item)]);
    }
    const sub = value['Fn::Sub'];
    if (typeof sub === 'string') return substitute(sub, {});
    if (Array.isArray(sub) && typeof sub[0] === 'string' && isRecord(sub[1])) return substitute(sub[0], sub[1]);
  }
  return [{ expression: value }];
}

/** `Fn::Sub` text as parts: `${X}` is `Ref X`, `${X.A}` is `GetAtt X.A`, `${!x}` is the literal `${x}`. */
function substitute(text: string, variables: Readonly<Record<string, unknown>>): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    parts.push({ literal: text.slice(last, match.index) });
    const name = match[1];
    if (name.startsWith('!')) parts.push({ literal: `\${${name.slice(1)}}` });
    else if (name in variables) parts.push(...flatten(variables[name]));
    else if (name.includes('.')) parts.push({ expression: { 'Fn::GetAtt': [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)] } });
    else parts.push({ expression: { Ref: name } });
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push({ literal: text.slice(last) });
  return parts;
}

function mergeLiterals(parts: readonly Part[]): Part[] {
  const merged: Part[] = [];
  for (const part of parts) {
    const previous = merged[merged.length - 1];
    if ('literal' in part && previous !== undefined && 'literal' in previous) merged[merged.length - 1] = { literal: previous.literal + part.literal };
    else if (!('literal' in part) || part.literal !== '') merged.push(part);
  }
  return merged;
}

function partsValue(parts: readonly Part[]): unknown {
  if (parts.length === 0) return '';
  if (parts.length === 1) return 'literal' in parts[0] ? parts[0].literal : parts[0].expression;
  return { 'Fn::Join': ['', parts.map((part) => ('literal' in part ? part.literal : part.expression))] };
}

function renderPart(part: Part): string {
  return 'literal' in part ? part.literal : `\${${renderExpression(part.expression)}}`;
}
