import type { CloudFormationTemplate } from './cloudformation-template';
import { RehearsalError } from './rehearsal-error';

/** The values `AWS::…` pseudo parameters resolve to in one stack. */
export interface PseudoParameters {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  readonly stackId: string;
  readonly urlSuffix: string;
}

/** What `Ref` and `Fn::GetAtt` on a resource return; the rehearsal's model of the deployed stack answers. */
export interface ResourceValues {
  ref(logicalId: string): string;
  getAtt(logicalId: string, attribute: string): unknown;
}

/** Marks a property `{ "Ref": "AWS::NoValue" }` removed. */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Resolves CloudFormation intrinsic functions in `value` as CloudFormation does when it hands properties to a
 * resource: `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::If` (with the template's
 * conditions), `Fn::Equals`/`And`/`Or`/`Not`, `Fn::FindInMap`, `Fn::Base64`, `Fn::GetAZs`, `AWS::NoValue` and the
 * pseudo parameters. Anything else stops with an error naming it.
 */
export class IntrinsicResolver {
  constructor(
    private readonly template: CloudFormationTemplate & { readonly Mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>> },
    private readonly pseudo: PseudoParameters,
    private readonly resources: ResourceValues,
  ) {}

  resolve(value: unknown): unknown {
    const resolved = this.walk(value, 'value');
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /** Evaluates a named condition of the template. */
  condition(name: string): boolean {
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw unsupported(`condition ${JSON.stringify(name)} is not defined in the template`);
    const result = this.walk(definition, `Conditions.${name}`);
    if (typeof result !== 'boolean') throw unsupported(`condition ${name} did not evaluate to true or false`);
    return result;
  }

  private walk(value: unknown, where: string): unknown {
    if (Array.isArray(value)) return value.map((item, index) => this.walk(item, `${where}[${index}]`)).filter((item) => item !== NO_VALUE);
    if (typeof value !== 'object' || value === null) return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
      return this.intrinsic(keys[0], (value as Record<string, unknown>)[keys[0]], where);
    }
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const resolved = this.walk(inner, `${where}.${key}`);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  private intrinsic(name: string, argument: unknown, where: string): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(String(argument));
      case 'Condition':
        return this.condition(String(argument));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(argument) ? [String(argument[0]), argument[1]] : splitOnce(String(argument), '.');
        if (attribute === undefined) throw unsupported(`${where}: Fn::GetAtt ${logicalId} names no attribute`);
        return this.resources.getAtt(logicalId, String(this.walk(attribute, where)));
      }
      case 'Fn::Join': {
        const [delimiter, items] = this.array(argument, 2, name, where);
        return (this.walk(items, where) as unknown[]).map((item) => scalar(item, name, where)).join(String(delimiter));
      }
      case 'Fn::Split': {
        const [delimiter, text] = this.array(argument, 2, name, where);
        return scalar(this.walk(text, where), name, where).split(String(delimiter));
      }
      case 'Fn::Select': {
        const [index, list] = this.array(argument, 2, name, where);
        const items = this.walk(list, where);
        const position = Number(this.walk(index, where));
        if (!Array.isArray(items) || !Number.isInteger(position) || position < 0 || position >= items.length) {
          throw unsupported(`${where}: Fn::Select index ${position} is outside the list`);
        }
        return items[position];
      }
      case 'Fn::Sub':
        return this.sub(argument, where);
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = this.array(argument, 3, name, where);
        return this.walk(this.condition(String(condition)) ? whenTrue : whenFalse, where);
      }
      case 'Fn::Equals': {
        const [left, right] = this.array(argument, 2, name, where);
        return JSON.stringify(this.walk(left, where)) === JSON.stringify(this.walk(right, where));
      }
      case 'Fn::And':
        return (argument as unknown[]).every((item) => this.walk(item, where) === true);
      case 'Fn::Or':
        return (argument as unknown[]).some((item) => this.walk(item, where) === true);
      case 'Fn::Not':
        return this.walk((argument as unknown[])[0], where) !== true;
      case 'Fn::Base64':
        return Buffer.from(scalar(this.walk(argument, where), name, where)).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.pseudo.region}${zone}`);
      case 'Fn::FindInMap': {
        const [map, top, second] = this.array(argument, 3, name, where).map((item) => String(this.walk(item, where)));
        const found = this.template.Mappings?.[map]?.[top]?.[second];
        if (found === undefined) throw unsupported(`${where}: Fn::FindInMap ${map}.${top}.${second} is not in the template's Mappings`);
        return found;
      }
      default:
        throw unsupported(`${where}: ${name} is not modelled by the rehearsal`);
    }
  }

  private ref(name: string): unknown {
    switch (name) {
      case 'AWS::Partition':
        return this.pseudo.partition;
      case 'AWS::Region':
        return this.pseudo.region;
      case 'AWS::AccountId':
        return this.pseudo.accountId;
      case 'AWS::StackName':
        return this.pseudo.stackName;
      case 'AWS::StackId':
        return this.pseudo.stackId;
      case 'AWS::URLSuffix':
        return this.pseudo.urlSuffix;
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::NotificationARNs':
        return [];
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter !== undefined) {
      if (parameter.Default === undefined) throw unsupported(`parameter ${name} has no default; the rehearsal passes no parameters`);
      return parameter.Default;
    }
    return this.resources.ref(name);
  }

  private sub(argument: unknown, where: string): string {
    const [text, variables] = Array.isArray(argument) ? [String(argument[0]), argument[1] as Record<string, unknown>] : [String(argument), {}];
    return text.replace(/\$\{([^}]*)\}/g, (_match, body: string) => {
      if (body.startsWith('!')) return `\${${body.slice(1)}}`;
      if (variables !== undefined && body in variables) return scalar(this.walk(variables[body], where), 'Fn::Sub', where);
      const [logicalId, attribute] = splitOnce(body, '.');
      if (attribute !== undefined && !logicalId.startsWith('AWS::')) return scalar(this.resources.getAtt(logicalId, attribute), 'Fn::Sub', where);
      return scalar(this.ref(body), 'Fn::Sub', where);
    });
  }

  private array(argument: unknown, length: number, name: string, where: string): unknown[] {
    if (!Array.isArray(argument) || argument.length < length) throw unsupported(`${where}: ${name} needs a list of ${length}`);
    return argument;
  }
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function scalar(value: unknown, name: string, where: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw unsupported(`${where}: ${name} was given ${Array.isArray(value) ? 'a list' : typeof value} where a string belongs`);
}

function unsupported(message: string): RehearsalError {
  return new RehearsalError('RDS_IAM_REHEARSAL_UNSUPPORTED_TEMPLATE', message);
}
