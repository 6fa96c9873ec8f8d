// `netgrade run --start CMD --watch`: the student's edit-run loop. Each time a
// file under the server's folder changes, the server is started afresh and
// the specs run again, on a cleared screen with a one-line status at the end.
import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { ReporterEnv } from '../report/reporter.js';
import { UsageError } from '../errors.js';

/** Changes closer together than this are one edit (an editor writes a file in several steps). */
const SETTLE_MS = 150;

/** The folder a start command's server lives in: that of the first word naming an existing file, else `cwd`. */
export function serverFolder(command: string, cwd: string): string {
  for (const word of command.split(/\s+/)) {
    const bare = word.replace(/^['"]|['"]$/g, '');
    if (!bare || bare.startsWith('-') || bare.includes('{')) continue;
    const full = path.resolve(cwd, bare);
    if (existsSync(full) && statSync(full).isFile() && bare.includes('.')) return path.dirname(full);
  }
  return cwd;
}

/** Files whose change means nothing to the server: version control, caches, netgrade's own reports. */
export function ignored(file: string | null): boolean {
  if (!file) return false;
  return (
    /(^|[\\/])(\.git|node_modules|__pycache__|\.pytest_cache)([\\/]|$)/.test(file) ||
    /\.(pyc|swp|tmp)$|~$|^report\.|\.html$|\.xml$|\.json$/.test(file)
  );
}

/** Resolves at the next relevant change under `dir`, or when `signal` aborts. */
function nextChange(dir: string, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let changed: string | undefined;
    let watcher: FSWatcher | undefined;
    const finish = (what: string | undefined) => {
      clearTimeout(timer);
      watcher?.close();
      signal.removeEventListener('abort', onAbort);
      resolve(what);
    };
    const onAbort = () => finish(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    watcher = watch(dir, { recursive: true }, (_event, file) => {
      const name = file?.toString() ?? null;
      if (ignored(name)) return;
      changed = name ?? dir;
      clearTimeout(timer);
      timer = setTimeout(() => finish(changed), SETTLE_MS);
    });
  });
}

const clock = () => new Date().toTimeString().slice(0, 8);

/** Calls `runOnce`, then waits for a change under the server's folder and calls it again, until Ctrl-C. */
export async function watchCommand(
  start: string | undefined,
  env: ReporterEnv,
  signal: AbortSignal,
  runOnce: (signal: AbortSignal) => Promise<number>,
): Promise<number> {
  if (start === undefined)
    throw new UsageError('--watch needs --start: netgrade restarts your server when its files change');
  const dir = serverFolder(start, env.cwd);
  const shown = path.relative(env.cwd, dir) || '.';
  let code = 0;
  for (let round = 1; !signal.aborted; round++) {
    // Clear the screen and scrollback: each run's story stands alone.
    if (env.stdout.isTTY) env.stdout.write('\x1b[2J\x1b[3J\x1b[H');
    const run = new AbortController();
    const stop = () => run.abort();
    signal.addEventListener('abort', stop, { once: true });
    try {
      code = await runOnce(run.signal);
    } catch (err) {
      // A spec or flag problem ends watching; a start-up hiccup is shown and the loop goes on.
      if (err instanceof UsageError && round === 1) throw err;
      env.stdout.write(`netgrade: ${(err as Error).message}\n`);
      code = 1;
    } finally {
      signal.removeEventListener('abort', stop);
    }
    if (signal.aborted) break;
    const status = code === 0 ? 'all passed' : 'some checks fail';
    env.stdout.write(`\n[${clock()}] run ${round}: ${status} · watching ${shown}/ for changes (Ctrl-C to quit)\n`);
    const changed = await nextChange(dir, signal);
    if (changed === undefined) break;
  }
  return code;
}
