// A server under test as a process group: started detached (its own group, so
// one signal reaches every child it forks), its output kept in bounded tails,
// its exit noticed, and stopped with SIGTERM then SIGKILL. A group that is
// still alive when netgrade exits, however it exits, is killed synchronously.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { limitedCommand, type Limits } from './limits.js';
import { Tail } from './tail.js';

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when netgrade noticed the exit. */
  at: number;
  /** The wall-clock limit killed it; otherwise it exited by itself or was stopped. */
  wallLimit?: boolean;
  /** The command could not be spawned at all. */
  spawnError?: string;
}

export interface ProcessOptions {
  /** A shell command (run with sh -c). */
  command: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  limits?: Limits;
  /** Time between SIGTERM and SIGKILL when stopping (ms). */
  graceMs?: number;
}

export interface ServerProcess {
  /** The leader's pid, which is also the process group id. */
  readonly pid: number;
  readonly stdout: Tail;
  readonly stderr: Tail;
  /** Settles when the leader exits (children may outlive it until stop()). */
  readonly exited: Promise<ServerExit>;
  /** The exit once noticed. */
  exit(): ServerExit | undefined;
  /** Whether stop() was called: an exit after it is not a crash. */
  stopping(): boolean;
  /** SIGTERM to the group, SIGKILL after the grace period; resolves when the group is gone. */
  stop(): Promise<void>;
}

// Process-wide on purpose: the 'exit' hook must reach every group this process started.
const liveGroups = new Set<number>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // 'exit' handlers run synchronously, so only process.kill() is possible here: that suffices.
  process.on('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  });
  // A closed terminal's SIGHUP would end netgrade without 'exit'; the groups, in sessions of
  // their own, would not get it and live on. Leave through exit() instead, unless someone handles SIGHUP.
  if (process.listenerCount('SIGHUP') === 0) process.on('SIGHUP', () => process.exit(129));
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: no process is left in the group
  }
}

/**
 * Whether any process of the group still runs. kill(-pgid, 0) also counts
 * zombies, and an orphaned child's zombie lasts until PID 1 reaps it, which in
 * a container without an init can take seconds; so on Linux, read /proc and
 * ignore zombies.
 */
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return true; // no /proc: the signal's answer is all there is
  }
  return pids.some((pid) => {
    try {
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z' && state !== 'X';
    } catch {
      return false; // exited while we looked
    }
  });
}

async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

export function startProcess(opts: ProcessOptions): ServerProcess {
  const { file, args } = limitedCommand(opts.command, opts.limits ?? {});
  const child = spawn(file, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = new Tail();
  const stderr = new Tail();
  child.stdout.on('data', (d: Buffer) => stdout.push(d));
  child.stderr.on('data', (d: Buffer) => stderr.push(d));
  let exit: ServerExit | undefined;
  let stopping = false;
  let wallLimit = false;
  const pid = child.pid ?? -1;
  if (pid > 0) {
    hookExit();
    liveGroups.add(pid);
  }

  const exited = new Promise<ServerExit>((resolve) => {
    child.once('exit', (code, signal) =>
      resolve((exit = { code, signal, at: Date.now(), ...(wallLimit ? { wallLimit } : {}) })),
    );
    child.once('error', (err) =>
      resolve((exit ??= { code: null, signal: null, at: Date.now(), spawnError: err.message })),
    );
  });

  const wallTimer = opts.limits?.wallSeconds
    ? setTimeout(() => {
        wallLimit = true;
        signalGroup(pid, 'SIGKILL');
      }, opts.limits.wallSeconds * 1000)
    : undefined;
  wallTimer?.unref();
  void exited.then(() => clearTimeout(wallTimer));

  const stop = async (): Promise<void> => {
    stopping = true;
    clearTimeout(wallTimer);
    if (pid <= 0) return;
    if (signalGroup(pid, 'SIGTERM') && !(await waitGone(pid, opts.graceMs ?? 2000))) {
      signalGroup(pid, 'SIGKILL');
      await waitGone(pid, 2000);
    }
    if (!groupAlive(pid)) liveGroups.delete(pid);
    // The group is gone; let node reap the leader so that its exit is on record.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 1000).unref())]);
    // Later stdout/stderr bytes are not wanted; do not let open pipes keep netgrade alive.
    child.stdout.destroy();
    child.stderr.destroy();
  };

  return { pid, stdout, stderr, exited, exit: () => exit, stopping: () => stopping, stop };
}
