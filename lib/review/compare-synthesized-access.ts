import { stat } from 'node:fs/promises';
import { type AccessDiff, diffAccess } from './access-diff';
import { formatAccessDiffMarkdown } from './access-diff-markdown';
import { buildAccessModel } from './build-access-model';
import { type SynthesizedTemplate, TemplateReadError } from './cloudformation-template';
import { readSynthesizedTemplates } from './synthesized-templates';

export interface CompareAccessOptions {
  /** Compare only these stacks (by stack name or artifact id); each must exist in the base or the head. */
  readonly stacks?: readonly string[];
}

/**
 * Compares the access two synthesized outputs deploy: two cloud assemblies (stacks paired by name), or two template
 * files (paired with each other whatever their names, so `main.json` and `branch.json` compare).
 */
export async function compareSynthesizedAccess(
  basePath: string,
  headPath: string,
  options: CompareAccessOptions = {},
): Promise<{ readonly diff: AccessDiff; readonly markdown: string }> {
  let [base, head] = await Promise.all([readSynthesizedTemplates(basePath), readSynthesizedTemplates(headPath)]);
  if ((await isFile(basePath)) && (await isFile(headPath))) {
    base = base.map((template) => ({ ...template, stackName: head[0].stackName }));
  }
  if (options.stacks !== undefined && options.stacks.length > 0) {
    const wanted = new Set(options.stacks);
    const missing = options.stacks.filter((name) => ![...base, ...head].some((template) => template.stackName === name));
    if (missing.length > 0) {
      const known = [...new Set([...base, ...head].map((template) => template.stackName))].sort();
      throw new TemplateReadError(`--stack ${missing.join(', ')}: no such stack in ${basePath} or ${headPath}; stacks there: ${known.join(', ') || 'none'}`);
    }
    [base, head] = [base, head].map((templates: SynthesizedTemplate[]) => templates.filter((template) => wanted.has(template.stackName)));
  }
  const diff = diffAccess(buildAccessModel(base), buildAccessModel(head));
  return { diff, markdown: formatAccessDiffMarkdown(diff, { base: basePath, head: headPath }) };
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path)).isFile();
}
