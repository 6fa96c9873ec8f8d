// One Reporter interface, one typed registry, and a fan-out that keeps one
// reporter's crash from costing the others their output.
import type { CaseResult, RunInfo, RunResult } from '../model/result.js';

export interface Reporter {
  onRunStart?(info: RunInfo): void;
  /** A case's final result, as soon as it has one. */
  onCaseEnd?(result: CaseResult): void;
  /** Everything is known: write files, print summaries. */
  onRunEnd(result: RunResult): void | Promise<void>;
}

/** What a reporter may use besides the results. */
export interface ReporterEnv {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whose server the reports are about (a student id); default: the working folder's name. */
  subject?: string;
}

/** Calls every reporter for every hook; a reporter that throws is named on stderr and the rest go on. */
export class Multiplexer implements Reporter {
  failures = 0;
  constructor(
    private readonly reporters: Array<{ name: string; reporter: Reporter }>,
    private readonly stderr: NodeJS.WritableStream,
  ) {}

  private guard(name: string, fn: () => void | Promise<void>): Promise<void> {
    const fail = (err: unknown) => {
      this.failures++;
      this.stderr.write(`netgrade: the ${name} reporter failed: ${(err as Error)?.message ?? String(err)}\n`);
    };
    try {
      return Promise.resolve(fn()).catch(fail);
    } catch (err) {
      fail(err);
      return Promise.resolve();
    }
  }

  onRunStart(info: RunInfo): void {
    for (const { name, reporter } of this.reporters) void this.guard(name, () => reporter.onRunStart?.(info));
  }

  onCaseEnd(result: CaseResult): void {
    for (const { name, reporter } of this.reporters) void this.guard(name, () => reporter.onCaseEnd?.(result));
  }

  async onRunEnd(result: RunResult): Promise<void> {
    for (const { name, reporter } of this.reporters) await this.guard(name, () => reporter.onRunEnd(result));
  }
}
