// Resource limits on a started server: the code under test is a student's, so
// a fork bomb or a leak must hit a ceiling before it hits the grading machine.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface Limits {
  /** Address-space ceiling (RLIMIT_AS) in MiB. */
  memoryMb?: number;
  /** Process ceiling (RLIMIT_NPROC): counts every process and thread of the user, not only the server's. */
  procs?: number;
  /** Wall-clock seconds after which the server's process group is killed. */
  wallSeconds?: number;
}

/**
 * Node needs about 1 GiB of address space just to start (V8 reserves its heap
 * up front), so the default leaves room for node, python and go servers; a JVM
 * also reserves 1 GiB of class space, so it needs -Xmx256m
 * -XX:CompressedClassSpaceSize=64m -XX:ReservedCodeCacheSize=64m or a larger --limit-memory.
 */
export const DEFAULT_LIMITS: Limits = { memoryMb: 2048 };

let prlimitPath: string | null | undefined;

function findPrlimit(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'prlimit');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** How to spawn `command` under `limits`: prlimit (util-linux) when present, else ulimit in the shell. */
export function limitedCommand(command: string, limits: Limits): { file: string; args: string[] } {
  const asBytes = limits.memoryMb ? limits.memoryMb * 1024 * 1024 : undefined;
  if (asBytes === undefined && limits.procs === undefined) return { file: 'sh', args: ['-c', command] };
  prlimitPath ??= findPrlimit();
  if (prlimitPath) {
    const flags = [...(asBytes ? [`--as=${asBytes}`] : []), ...(limits.procs ? [`--nproc=${limits.procs}`] : [])];
    // prlimit execs the shell, so the process netgrade watches is still the server's shell.
    return { file: prlimitPath, args: [...flags, '--', 'sh', '-c', command] };
  }
  // dash calls the process limit -p, bash and zsh -u; a limit that cannot be set is said on the server's stderr.
  const lines: string[] = [];
  if (asBytes)
    lines.push(`ulimit -v ${asBytes / 1024} 2>/dev/null || echo "netgrade: could not set the memory limit" >&2`);
  if (limits.procs)
    lines.push(
      `{ ulimit -u ${limits.procs} || ulimit -p ${limits.procs}; } 2>/dev/null || ` +
        'echo "netgrade: could not set the process limit" >&2',
    );
  return { file: 'sh', args: ['-c', `${lines.join('\n')}\n${command}`] };
}
