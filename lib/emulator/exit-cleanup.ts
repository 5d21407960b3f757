/**
 * Servers still running when this process exits normally (a test that forgot stop(), process.exit in a CLI) are
 * killed and their directories removed synchronously in an 'exit' hook; a process killed outright is covered by
 * setpriv's pdeathsig (see server-process.ts).
 */
import { rmSync } from 'node:fs';
import type { ServerProcess } from './server-process';

/** A server to kill, and the directory to remove, if this process exits before stopping it. */
export interface TrackedServer {
  readonly pid: number;
  readonly workDirectory: string;
}

const trackedServers = new Set<TrackedServer>();
let exitHookInstalled = false;

export function track(server: ServerProcess, workDirectory: string): TrackedServer {
  const tracked = { pid: server.pid, workDirectory };
  trackedServers.add(tracked);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', killTrackedServers);
  }
  return tracked;
}

export function untrack(tracked: TrackedServer): void {
  trackedServers.delete(tracked);
}

function killTrackedServers(): void {
  for (const { pid, workDirectory } of trackedServers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    rmSync(workDirectory, { recursive: true, force: true });
  }
  trackedServers.clear();
}
