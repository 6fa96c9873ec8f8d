// What netgrade saw of a server it started: the supervisor fills it, reporters print it.
/** A started server: its command, how it ended and the last of its output. */
export interface ServerReport {
  command: string;
  /** Its pid, which is also its process group id. */
  pid: number;
  /**
   * ran: listened and was stopped after the run; crashed: exited during the run (and was restarted,
   * within `restarts`); stopped: the run was interrupted.
   */
  status: 'ran' | 'did not start' | 'crashed' | 'stopped';
  /** Why it did not start, or how it crashed, in one sentence. */
  message?: string;
  /** How long it took to listen on every port (ms). */
  readyMs?: number;
  exitCode: number | null;
  signal: string | null;
  /** The last 64 KiB of its stdout and stderr, as text (of each start in turn, when it was restarted). */
  stdoutTail: string;
  stderrTail: string;
  /** How many times netgrade restarted it after a crash, and the most it would. */
  restarts?: { count: number; budget: number };
}
