import type { ConvergeResult } from '../provisioning/converge-users';

/** The plan's statements as a SQL script: what `plan` prints and `apply` runs, one per line. */
export function formatPlanSql(result: ConvergeResult): string {
  return result.plan.statements.map((statement) => `${statement.sql};\n`).join('');
}

/** One line per count that is not zero, and what was deliberately left alone. */
export function formatPlanSummary(result: ConvergeResult, where: string): string {
  const { counts } = result;
  const parts = (
    [
      ['create', counts.created],
      ['alter', counts.altered],
      ['grant', counts.granted],
      ['revoke', counts.revoked],
      ['drop', counts.dropped],
    ] as const
  )
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${count} ${kind}`);
  const notes = [
    ...result.plan.retainedUsers.map((username) => `  kept (removalPolicy retain): ${username}`),
    ...result.plan.leftAloneUsers.map((user) => `  left alone: ${user.username}: ${user.reason}`),
  ];
  const total = result.plan.statements.length;
  const head =
    total === 0
      ? `${where}: no changes; ${counts.unchanged} declared user(s) match the declaration.`
      : `${where}: ${total} statement(s) to reach the declaration (${parts.join(', ')}); ${counts.unchanged} user(s) already match.`;
  return [head, ...notes].join('\n') + '\n';
}
