// `netgrade grade`: a class of submissions → a report folder per student,
// gradebook.csv and grades.json, a progress line and a summary.
import os from 'node:os';
import { REPORTERS } from '../report/index.js';
import type { ReporterEnv } from '../report/reporter.js';
import { gradeClass } from '../grade/grade.js';
import { makeProgress } from '../grade/progress.js';
import { loadRoster, scanFolder, takeShard, type Submission } from '../grade/roster.js';
import { summaryLines } from '../grade/summary.js';
import { safeName, type ClassOptions } from '../grade/submission.js';
import { checkTemplate } from '../server/ports.js';
import {
  parseCount,
  parseCsvOptions,
  parseLimits,
  parseShard,
  parseStartTimeoutMs,
  parseSubmissionTimeoutMs,
  type GradeFlags,
} from './flags.js';
import { resolvePlan } from './plan.js';
import { UsageError } from '../errors.js';

/** Per-student files by reporter name; a reporter is offered only if the registry has it. */
const FILES: Record<string, string> = { json: 'report.json', junit: 'junit.xml', html: 'report.html' };

function reportersFor(names: string[] | undefined): Array<{ name: string; file: string }> {
  const available = Object.keys(FILES).filter((n) => n in REPORTERS);
  for (const n of names ?? [])
    if (!available.includes(n))
      throw new UsageError(`--reporter ${n}: grade writes files per student: ${available.join(', ')}`);
  // report.json is always written: it is the detail behind each gradebook row.
  const chosen = names?.length ? new Set(['json', ...names]) : new Set(available);
  return [...chosen].map((name) => ({ name, file: FILES[name] }));
}

/** Two ids that become one folder name would overwrite each other's reports. */
function checkFolders(subs: Submission[]): void {
  const seen = new Map<string, string>();
  for (const { student } of subs) {
    const other = seen.get(safeName(student));
    if (other !== undefined)
      throw new UsageError(
        `grade: students "${other}" and "${student}" would share the report folder ${safeName(student)}`,
      );
    seen.set(safeName(student), student);
  }
}

/** Specs, selection, profile and timeouts: everything of a run but the server, checked as `run` checks them. */
function runOptions(specArgs: string[], flags: GradeFlags): ClassOptions['run'] {
  const concurrency = flags.concurrency ? parseCount(flags.concurrency, '--concurrency', 16) : undefined;
  return { ...resolvePlan(specArgs, flags), concurrency };
}

export async function gradeCommand(
  specArgs: string[],
  flags: GradeFlags,
  env: ReporterEnv,
  signal: AbortSignal,
): Promise<number> {
  if (!flags.out) throw new UsageError('grade: --out DIR is required (reports and gradebook.csv go there)');
  if (Boolean(flags.submissions) === Boolean(flags.roster))
    throw new UsageError('grade: give either --submissions DIR or --roster FILE');
  const run = runOptions(specArgs, flags);
  const csv = parseCsvOptions(flags);
  // A bad template is one usage error now, not one error row per student later.
  if (flags.start !== undefined)
    checkTemplate(
      flags.start,
      run.specs.map((s) => s.service),
    );
  let subs = flags.roster ? loadRoster(flags.roster) : scanFolder(flags.submissions!);
  checkFolders(subs);
  if (flags.shard) subs = takeShard(subs, parseShard(flags.shard));
  const options: ClassOptions = {
    run,
    start: flags.start,
    startTimeoutMs: parseStartTimeoutMs(flags),
    limits: parseLimits(flags),
    submissionTimeoutMs: parseSubmissionTimeoutMs(flags),
    out: flags.out,
    reporters: reportersFor(flags.reporter),
    env,
    signal,
  };
  const jobs = parseCount(flags.jobs, '--jobs', os.availableParallelism());

  const started = Date.now();
  const progress = makeProgress({
    stream: env.stdout,
    total: subs.length,
    tty: Boolean(env.stdout.isTTY) && !env.env.CI,
  });
  const rows = await gradeClass(subs, { ...options, jobs, progress, csv });
  const seed = `seed: ${run.seed} (--seed ${run.seed} sends every submission the same payloads again)`;
  env.stdout.write(
    ['', ...summaryLines(rows, Date.now() - started), '', `gradebook: ${flags.out}/gradebook.csv`, seed, ''].join('\n'),
  );
  const incomplete = rows.length < subs.length || rows.some((r) => r.status === 'error' || r.status === 'interrupted');
  return incomplete ? 1 : 0;
}
