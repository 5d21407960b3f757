import { closeSync, openSync, readSync, statSync, unwatchFile, watchFile } from 'node:fs';

const PLUGIN_LINE = /\bAWSAuthenticationPlugin: /;
const POLL_INTERVAL_MS = 250;

/**
 * Calls onLine for each AWSAuthenticationPlugin line appended to the server's error log (refusal reasons), so a
 * foreground emulator can show why a login failed. Polls (fs.watchFile): inotify is not available everywhere.
 * @returns a function that stops following.
 */
export function followPluginLog(errorLogFile: string, onLine: (line: string) => void): () => void {
  let offset = sizeOf(errorLogFile);
  let pending = '';
  const readAppended = (): void => {
    const size = sizeOf(errorLogFile);
    if (size <= offset) return;
    const buffer = Buffer.alloc(size - offset);
    const descriptor = openSync(errorLogFile, 'r');
    try {
      readSync(descriptor, buffer, 0, buffer.length, offset);
    } finally {
      closeSync(descriptor);
    }
    offset = size;
    const lines = (pending + buffer.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (PLUGIN_LINE.test(line)) onLine(line);
  };
  watchFile(errorLogFile, { interval: POLL_INTERVAL_MS }, readAppended);
  return () => unwatchFile(errorLogFile, readAppended);
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
