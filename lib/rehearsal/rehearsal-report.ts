import type { ProxyTally } from './rehearsed-proxies';
import type { StackOperationResult } from './simulated-stack';

/** One step of the lifecycle, judged. */
export interface StepResult {
  readonly name: string;
  readonly ok: boolean;
  readonly startedAt: number;
  readonly durationMs: number;
  /** Account statements (CREATE/ALTER/DROP USER, GRANT, REVOKE) the servers ran during the step. */
  readonly statements: number;
  /** The requests CloudFormation sent, e.g. `Create SUCCESS, rollback Delete SUCCESS`. */
  readonly requests: string;
  /** Why the step failed: one line each. Empty when it passed. */
  readonly problems: readonly string[];
  /** Time AWS would have spent that the rehearsal compressed (Lambda retry delays, waiter intervals). */
  readonly modelledWaitSeconds: number;
  /** The largest event CloudFormation sent in the step, as JSON (an Update carries old and new properties). */
  readonly largestEventBytes: number;
  /** The largest response body PUT to a ResponseURL in the step (CloudFormation reads at most 4,096 bytes). */
  readonly largestResponseBytes: number;
  /** The functions' peak resident memory in the step (Lambda's "Max Memory Used"), when measurable. */
  readonly maxMemoryUsedBytes?: number;
}

export interface RehearsalReport {
  readonly stackName: string;
  readonly steps: readonly StepResult[];
  /** Custom resources CloudFormation would also run, taken as created by the rehearsal. */
  readonly notRehearsed: readonly string[];
  /** The stack's RDS Proxies: the logins that went through each, or why it was not rehearsed. */
  readonly proxies: readonly ProxyTally[];
  readonly ok: boolean;
}

/** `Create SUCCESS, rollback Delete SUCCESS …`, in the order CloudFormation sent them. */
export function describeRequests(results: readonly StackOperationResult[]): string {
  const parts = results.flatMap((result) =>
    result.requests.map(({ phase, outcome }) => `${phase === 'forward' ? '' : `${phase} `}${outcome.request.requestType} ${outcome.status}`),
  );
  return parts.length === 0 ? 'no request' : parts.join(', ');
}

/** One line per step: time, result, name, duration, statements, requests; problems indented under it. */
export function formatStep(step: StepResult): string {
  const time = new Date(step.startedAt).toISOString().slice(11, 23);
  const seconds = `${(step.durationMs / 1000).toFixed(1)} s`.padStart(7);
  const modelled = step.modelledWaitSeconds > 0 ? ` (+${step.modelledWaitSeconds} s on AWS)` : '';
  const head = `${time}  ${step.ok ? 'ok  ' : 'FAIL'}  ${step.name.padEnd(38)} ${seconds}${modelled}  ${String(step.statements).padStart(4)} statements  ${step.requests}`;
  return [head, ...step.problems.map((problem) => `      ${problem}`)].join('\n');
}

/** What follows the step lines: the custom resources not rehearsed, and the verdict. */
export function formatSummary(report: RehearsalReport): string {
  const lines: string[] = [];
  if (report.notRehearsed.length > 0) lines.push(`not rehearsed (other custom resources, taken as created): ${report.notRehearsed.join(', ')}`);
  for (const proxy of report.proxies) {
    lines.push(
      proxy.notRehearsed === undefined
        ? `through RDS Proxy ${proxy.name} (emulated, tokens signed for ${proxy.endpoint}): ${proxy.accepted} logins accepted, ${proxy.refused} refused`
        : `not rehearsed: RDS Proxy ${proxy.name}: ${proxy.notRehearsed}`,
    );
  }
  const failed = report.steps.filter((step) => !step.ok).length;
  lines.push(report.ok ? `${report.stackName}: all ${report.steps.length} steps passed` : `${report.stackName}: ${failed} of ${report.steps.length} steps failed`);
  return `${lines.join('\n')}\n`;
}

/** The whole report: one line per step, then the summary. */
export function formatReport(report: RehearsalReport): string {
  return `${report.steps.map(formatStep).join('\n')}\n${formatSummary(report)}`;
}
