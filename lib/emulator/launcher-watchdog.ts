import { readFileSync } from 'node:fs';
import { isProcessAlive } from './process-liveness';

const CHECK_INTERVAL_MS = 500;

/**
 * Calls onGone once when a process that launched this one has exited, so a foreground emulator never outlives
 * what started it. `npm run emulator` runs `sh -c 'tsx bin/emulator.ts'`: a SIGTERM sent to npm kills npm and sh
 * but is not passed on to tsx, which would leave the emulator running as an orphan.
 * Linux only (reads /proc); elsewhere it watches nothing.
 * @returns a function that stops watching.
 */
export function watchLaunchers(onGone: () => void, generations = 3): () => void {
  const launchers = launcherPids(generations);
  if (launchers.length === 0) return () => undefined;
  const timer = setInterval(() => {
    if (launchers.every(isProcessAlive)) return;
    clearInterval(timer);
    onGone();
  }, CHECK_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Parent, grandparent, … up to `generations`, stopping before init (pid 1). */
function launcherPids(generations: number): number[] {
  const pids: number[] = [];
  for (let pid = process.ppid; pids.length < generations && pid > 1; pid = parentOf(pid)) pids.push(pid);
  return pids;
}

function parentOf(pid: number): number {
  try {
    // /proc/<pid>/stat: "pid (command) state ppid ..."; the command may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}
