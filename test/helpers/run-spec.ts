// Runs built-in specs through the programmatic API, with every tag selected,
// and shapes results for one-line assertions whose diffs show every case.
import { run, type RunOptions } from '../../src/run/run.js';
import type { CaseResult, CaseStatus, RunResult } from '../../src/model/result.js';
import { drawnVars } from '../../src/spec/draw.js';
import { loadSpec, loadSpecs } from '../../src/spec/load.js';
import type { ServiceName } from '../../src/spec/types.js';

export function runSpec(
  name: string | string[],
  ports: Partial<Record<ServiceName, number>>,
  extra: Partial<RunOptions> = {},
): Promise<RunResult> {
  return run({
    specs: loadSpecs(Array.isArray(name) ? name : [name]),
    host: '127.0.0.1',
    ports,
    selection: { tags: 'all' },
    ...extra,
  });
}

export function statuses(result: RunResult): Record<string, CaseStatus> {
  return Object.fromEntries(result.cases.map((c) => [c.id, c.status]));
}

export interface Outcome {
  status: CaseStatus;
  message?: unknown;
  stepLabel?: unknown;
}

/** Each case's status with its failure message and step, so a diff says why a case did not pass. */
export function outcomes(result: RunResult): Record<string, Outcome> {
  const outcome = (c: CaseResult): Outcome =>
    c.failure ? { status: c.status, message: c.failure.message, stepLabel: c.failure.stepLabel } : { status: c.status };
  return Object.fromEntries(result.cases.map((c) => [c.id, outcome(c)]));
}

/** What outcomes() should be when every case passes except those given. */
export function passedExcept(result: RunResult, except: Record<string, Outcome> = {}): Record<string, Outcome> {
  return Object.fromEntries(result.cases.map((c) => [c.id, except[c.id] ?? { status: 'passed' }]));
}

/** The seed of tests that key a fault on a drawn sentence: with it, every run draws the same values. */
export const SEED = 20261128;

/** The value a case draws for `name` under `seed` (default SEED), for a client and repeat: what netgrade will send. */
export function drawnFor(
  spec: string,
  caseId: string,
  name: string,
  at: { seed?: number; client?: number; i?: number } = {},
): string {
  const draws = loadSpec(spec).draw ?? {};
  if (!(name in draws)) throw new Error(`${spec} draws no "${name}"`);
  return drawnVars(
    { [name]: draws[name] },
    { seed: at.seed ?? SEED, spec, caseId },
    { client: String(at.client ?? 1), i: String(at.i ?? 1) },
  )[name];
}
