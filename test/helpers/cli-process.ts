// netgrade as a child process (node dist/src/cli.js ...), for tests of what
// only a whole process shows: exit codes, signals, and the process groups it
// starts and must leave behind it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';

export const CLI = path.join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');
export const SERVERS = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'servers');

function newest(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => statSync(path.join(d.parentPath, d.name)).mtimeMs),
  );
}

/** `npm test` builds first; a bare `vitest run` may find dist missing or older than src. */
export function ensureBuilt(): void {
  const stale =
    !existsSync(CLI) ||
    statSync(CLI).mtimeMs <
      Math.max(newest(path.join(PACKAGE_ROOT, 'src')), newest(path.join(PACKAGE_ROOT, 'reference')));
  if (!stale) return;
  const tsc = spawnSync(
    process.execPath,
    [path.join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
    { cwd: PACKAGE_ROOT, encoding: 'utf8' },
  );
  // tsc emits even with type errors elsewhere in the tree; what these tests need is the CLI.
  if (!existsSync(CLI)) throw new Error(`could not build ${CLI}:\n${tsc.stdout}${tsc.stderr}`);
}

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Starts the CLI; `done` settles when it exits. */
export function startCli(args: string[], opts: { cwd?: string } = {}): { child: ChildProcess; done: Promise<Ran> } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  delete env.GITHUB_ACTIONS;
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? PACKAGE_ROOT, env });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => err.push(d));
  const done = new Promise<Ran>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Date.now() - started,
      }),
    );
  });
  return { child, done };
}

export const cli = (args: string[], opts: { cwd?: string } = {}) => startCli(args, opts).done;

/**
 * Waits until kill(-pgid, 0) fails with ESRCH. netgrade has killed the group
 * by then; the wait covers zombies of orphaned children, which stay in the
 * group until PID 1 reaps them (seconds, in a container without an init).
 */
export async function groupGone(pgid: number, withinMs = 5000): Promise<string> {
  const until = Date.now() + withinMs;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code ?? 'unknown';
    }
    if (Date.now() > until) return 'still there';
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether a process runs (not a zombie), from /proc. */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}
