// --bail: the first failed step stops the run, as Ctrl-C would. What that cut short settles
// through the one settling hook (never by rewriting results after the run): it reads as
// skipped and keeps its points, none earned, so a bailed run scores 15/18, not 15/15.
import { StepFailed } from '../errors.js';
import type { CaseResult } from '../model/result.js';
import type { CaseContext } from './context.js';
import type { SettlePolicy } from './settle.js';

export interface Bail {
  /** For hookedRunners: a failed step (the server's fault, not netgrade's) stops the run. */
  onThrow(err: unknown, ctx: CaseContext): void;
  /** Settles what the stop cut short or never started. */
  policy: SettlePolicy;
}

/** `stop` aborts the run's signal; it is called once, at the first failed step. */
export function bailOnFirstFailure(stop: () => void): Bail {
  let first: { spec: string; id: string } | undefined;
  return {
    onThrow(err, ctx) {
      if (!(err instanceof StepFailed) || first) return;
      first = { spec: ctx.spec.name, id: ctx.def.id };
      stop();
    },
    policy: { settle: (r) => cutByBail(r, first) },
  };
}

/** After the stop at `first`, whatever else did not pass was cut short (a reset, an interruption): not a verdict. */
export function cutByBail(r: CaseResult, first: { spec: string; id: string } | undefined): CaseResult {
  if (!first || r.status === 'passed' || r.status === 'skipped' || (r.spec === first.spec && r.id === first.id))
    return r;
  return {
    ...r,
    status: 'skipped',
    failure: { message: `not run: --bail stopped the run when ${first.id} failed` },
    points: 0,
    transcript: [],
  };
}
