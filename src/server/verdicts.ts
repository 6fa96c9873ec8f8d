// What a server's exit means for the cases, in sentences (pure): a server
// that never listened fails every case with one plain sentence; a crash names
// how the server ended. Supervisor applies them as results settle.
import { constants } from 'node:os';
import type { CaseResult, Failure } from '../model/result.js';
import { escapeBytes } from '../text/escape.js';
import type { ServerExit } from './process.js';

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

function signalName(n: number): string | undefined {
  return Object.entries(constants.signals).find(([, v]) => v === n)?.[0];
}

/** "the server exited with code 1", "… was killed by SIGSEGV", "… was stopped at its wall-clock limit (30 s)". */
export function exitSentence(exit: ServerExit, wallSeconds?: number): string {
  if (exit.spawnError) return `the start command could not be run (${exit.spawnError})`;
  if (exit.wallLimit) return `the server was stopped at its wall-clock limit (${wallSeconds ?? '?'} s)`;
  if (exit.signal) return `the server was killed by ${exit.signal}`;
  // The shell reports a child killed by signal N as 128+N.
  const sig = exit.code !== null && exit.code > 128 ? signalName(exit.code - 128) : undefined;
  return `the server exited with code ${exit.code}${sig ? ` (${sig})` : ''}`;
}

/** The server's last stderr lines as a failure's `actual` (escaped, one per line). */
export function stderrActual(lines: string[]): string {
  return lines.length === 0 ? '(nothing on stderr)' : lines.map((l) => escapeBytes(l)).join('\n');
}

export function failWith(r: CaseResult, failure: Failure): CaseResult {
  if (r.status === 'skipped' || r.status === 'passed') return r;
  return { ...r, status: 'failed', points: 0, failure };
}

export interface NotStarted {
  /** "12000/tcp" */
  pending: string;
  exit?: ServerExit;
  timeoutMs: number;
  wallSeconds?: number;
  /** The server's last stderr lines: an out-of-address-space start earns a hint. */
  stderr?: string[];
}

// What a runtime says when RLIMIT_AS (--limit-memory) is below what it reserves at start.
const OUT_OF_ADDRESS_SPACE =
  /Could not reserve|Could not allocate|Error occurred during initialization of VM|MemoryError|Cannot allocate memory/;

/** The hint for a server that could not reserve memory at start, if its stderr says so. */
export function memoryHint(stderr: string[] | undefined): string | undefined {
  if (!stderr?.some((l) => OUT_OF_ADDRESS_SPACE.test(l))) return undefined;
  return (
    'it could not reserve memory under the address-space limit: raise --limit-memory (MB, 0 lifts it), ' +
    'or for Java add -Xmx256m -XX:CompressedClassSpaceSize=64m -XX:ReservedCodeCacheSize=64m'
  );
}

export function notStartedMessage(n: NotStarted): string {
  if (n.exit?.spawnError) return exitSentence(n.exit);
  const hint = memoryHint(n.stderr);
  if (n.exit)
    return (
      `your server did not start listening on ${n.pending}: ` +
      `${exitSentence(n.exit, n.wallSeconds).replace(/^the server /, 'it ')} first${hint ? `; ${hint}` : ''}`
    );
  return `your server did not start listening on ${n.pending} within ${seconds(n.timeoutMs)}`;
}
