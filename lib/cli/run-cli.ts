/**
 * The `rds-iam` CLI as the package's public entry exports it: the command modules (commander, the commands) load on
 * the first call, not when a CDK app imports the package for its constructs.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = await import('./program');
  return program.runCli(argv);
}
