/** The parts of a CloudFormation template the rehearsal reads. Values stay `unknown` until resolved. */
export interface CloudFormationTemplate {
  readonly Parameters?: Readonly<Record<string, TemplateParameter>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Resources: Readonly<Record<string, TemplateResource>>;
  readonly Outputs?: Readonly<Record<string, { readonly Value: unknown }>>;
}

export interface TemplateParameter {
  readonly Type: string;
  readonly Default?: unknown;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly DependsOn?: string | readonly string[];
  readonly Condition?: string;
  readonly Metadata?: Readonly<Record<string, unknown>>;
}

/** True for a custom resource: `AWS::CloudFormation::CustomResource` or any `Custom::*` type. */
export function isCustomResourceType(type: string): boolean {
  return type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::');
}

/** Every logical id a value refers to through `Ref`, `Fn::GetAtt` or `Fn::Sub` (`${Name}`, `${Name.Attr}`). */
export function referencedLogicalIds(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedLogicalIds(item, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) into.add(inner);
      else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(inner) ? inner[0] : typeof inner === 'string' ? inner.split('.')[0] : undefined;
        if (typeof target === 'string') into.add(target);
      } else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        // Names of the variable map (`Fn::Sub: [text, { name: value }]`) are no logical ids; their values are visited.
        const variables = Array.isArray(inner) && typeof inner[1] === 'object' && inner[1] !== null ? inner[1] : {};
        if (typeof text === 'string') {
          for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            const name = match[1].split('.')[0];
            if (!name.startsWith('AWS::') && !(name in variables)) into.add(name);
          }
        }
        if (Array.isArray(inner)) referencedLogicalIds(inner[1], into);
      } else referencedLogicalIds(inner, into);
    }
  }
  return into;
}

/** A resource's dependencies: explicit `DependsOn` and the resources its properties refer to. */
export function resourceDependencies(template: CloudFormationTemplate, logicalId: string): Set<string> {
  const resource = template.Resources[logicalId];
  const dependsOn = resource.DependsOn === undefined ? [] : typeof resource.DependsOn === 'string' ? [resource.DependsOn] : resource.DependsOn;
  const found = referencedLogicalIds(resource.Properties ?? {});
  for (const id of dependsOn) found.add(id);
  for (const id of [...found]) if (template.Resources[id] === undefined) found.delete(id);
  return found;
}
