import type { CaseResult, RunResult } from '../model/result.js';
import { writeFileAtomic } from './files.js';
import type { Reporter } from './reporter.js';

/** The JSON shape of one case (version 1): later versions add fields, never rename. */
export function caseJson(c: CaseResult) {
  return {
    id: c.id,
    spec: c.spec,
    title: c.title,
    tags: c.tags,
    status: c.status,
    durationMs: c.durationMs,
    points: c.points,
    maxPoints: c.maxPoints,
    message: c.failure?.message,
    expected: c.failure?.expected,
    actual: c.failure?.actual,
    step: c.failure?.step,
    requirement: c.requirement,
    hint: c.hint,
    source: c.source,
    location: c.location,
    transcript: c.transcript,
  };
}

export function runJson(r: RunResult) {
  return {
    version: r.version,
    seed: r.seed,
    target: r.target,
    summary: r.summary,
    specs: r.specs,
    cases: r.cases.map(caseJson),
    server: r.server,
    profile: r.profile,
  };
}

/** Writes the JSON to `file`, or to `stdout` when the file is `-`. */
export function jsonReporter(file: string, stdout?: NodeJS.WritableStream): Reporter {
  return {
    onRunEnd(result) {
      // JSON.stringify escapes every control character, so server bytes stay data.
      const text = JSON.stringify(runJson(result), null, 2) + '\n';
      if (file === '-' && stdout) stdout.write(text);
      else writeFileAtomic(file, text);
    },
  };
}
