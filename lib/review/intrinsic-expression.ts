import { isRecord } from './cloudformation-template';

/**
 * CloudFormation intrinsic functions as a reviewer reads them: `GetAtt Database.DBClusterResourceId`, `Ref Role`,
 * `arn:${Ref AWS::Partition}:rds-db:…`, and their comparison key. (The logical ids an expression refers to:
 * `referencedLogicalIds` of lib/rehearsal/cloudformation-template.ts.)
 */

/** `{ 'Fn::GetAtt': 'X.A' }` and `{ 'Fn::GetAtt': ['X', 'A'] }` mean the same; the array form is kept. */
export function normalizeExpression(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeExpression);
  if (!isRecord(value)) return value;
  const getAtt = value['Fn::GetAtt'];
  if (typeof getAtt === 'string' && Object.keys(value).length === 1 && getAtt.includes('.')) {
    const dot = getAtt.indexOf('.');
    return { 'Fn::GetAtt': [getAtt.slice(0, dot), getAtt.slice(dot + 1)] };
  }
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, normalizeExpression(inner)]));
}

/** A string that is equal for two expressions exactly when they mean the same value. */
export function expressionKey(value: unknown): string {
  return JSON.stringify(normalizeExpression(value));
}

/** The expression as one readable line. */
export function renderExpression(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(renderExpression).join(', ')}]`;
  if (!isRecord(value) || Object.keys(value).length !== 1) return JSON.stringify(value);
  const [name, argument] = Object.entries(normalizeExpression(value) as Record<string, unknown>)[0];
  switch (name) {
    case 'Ref':
      return `Ref ${renderExpression(argument)}`;
    case 'Fn::GetAtt':
      return Array.isArray(argument) ? `GetAtt ${argument.map(renderExpression).join('.')}` : `GetAtt ${renderExpression(argument)}`;
    case 'Fn::Join':
      if (Array.isArray(argument) && typeof argument[0] === 'string' && Array.isArray(argument[1])) {
        return argument[1].map(renderJoinedPart).join(argument[0]);
      }
      break;
    case 'Fn::Sub':
      if (typeof argument === 'string') return argument;
      if (Array.isArray(argument) && typeof argument[0] === 'string') return argument[0];
      break;
    case 'Fn::Select':
      if (Array.isArray(argument) && argument.length === 2) return `Select ${renderExpression(argument[0])} of (${renderExpression(argument[1])})`;
      break;
    case 'Fn::Split':
      if (Array.isArray(argument) && argument.length === 2) return `Split ${JSON.stringify(argument[0])} of (${renderExpression(argument[1])})`;
      break;
    case 'Fn::ImportValue':
      return `ImportValue ${renderExpression(argument)}`;
  }
  return JSON.stringify(value);
}

function renderJoinedPart(part: unknown): string {
  return typeof part === 'string' ? part : `\${${renderExpression(part)}}`;
}
