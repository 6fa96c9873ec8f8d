// The one hook into settling a case's result: a policy from the layers above
// the scheduler (server/: crashes and restarts; grade/: the submission's
// deadline) sees each attempt before its result becomes final, so a result is
// never rewritten after reporters saw it.
import type { CaseResult, Failure } from '../model/result.js';

/** One attempt at a case. */
export interface Attempt {
  spec: string;
  id: string;
  /**
   * shared: alongside other cases; alone: alone on its service; recovery: alone in the whole run, after the server
   * crashed.
   */
  mode: 'shared' | 'alone' | 'recovery';
  /** Date.now() when the attempt started. */
  startedAt: number;
}

/** What a policy says before an attempt: run it, defer the case to the recovery queue, or fail it without running. */
export type Before = 'run' | 'defer' | Failure;

/**
 * What a policy says of an attempt's result: final as given, `defer` (run it in the recovery queue), `again` (recovery:
 * run it alone once more).
 */
export type Settled = CaseResult | 'defer' | 'again';

export interface SettlePolicy {
  before?(a: Attempt): Before | Promise<Before>;
  settle?(r: CaseResult, a: Attempt): Settled | Promise<Settled>;
}

/** `inner` first; `outer` sees only results `inner` made final, and may still replace them. */
export function composePolicies(inner: SettlePolicy, outer: SettlePolicy | undefined): SettlePolicy {
  if (!outer) return inner;
  return {
    before: async (a) => {
      const b = inner.before ? await inner.before(a) : 'run';
      return b === 'run' && outer.before ? outer.before(a) : b;
    },
    settle: async (r, a) => {
      const s = inner.settle ? await inner.settle(r, a) : r;
      return typeof s === 'string' || !outer.settle ? s : outer.settle(s, a);
    },
  };
}
