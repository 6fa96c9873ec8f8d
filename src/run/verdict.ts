// The verdict model, as pure functions the scheduler applies (README "How a
// verdict is reached"; pinned by test/unit/scheduler.test.ts).
import type { CaseResult, Failure } from '../model/result.js';

/**
 * Failure causes that mean the server gave no whole answer (UNAVAILABLE: HTTP 503): only these may be confirmed alone.
 */
export const UNANSWERED_CAUSES: ReadonlySet<string> = new Set([
  'DEADLINE',
  'INCOMPLETE',
  'UNAVAILABLE',
  'REFUSED',
  'RESET',
  'CONNECT_TIMEOUT',
  'UNREACHABLE',
]);

/** Time the confirmations of one service may take (ms): a server that drips on some cases cannot stretch a run. */
export const CONFIRM_BUDGET_MS = 6000;

/** The server could not answer (deadline, refused, reset, incomplete): the run alone may differ. */
export function unanswered(r: CaseResult): boolean {
  return r.status === 'failed' && UNANSWERED_CAUSES.has(r.failure.cause ?? '');
}

/** The server gave this case whole answers: it passed, or a complete, well-formed answer was wrong (final). */
export function answered(r: CaseResult): boolean {
  return r.status === 'passed' || (r.status === 'failed' && !unanswered(r));
}

/**
 * Whether the exclusive cases of a service can be told at once that they cannot pass: its shared
 * cases ran and none got a whole answer. A refused port is left out: its cases fail at once anyway,
 * with the plain message.
 */
export function silent(shared: CaseResult[]): CaseResult | undefined {
  if (shared.length === 0 || shared.some((r) => answered(r) || r.failure?.cause === 'REFUSED')) return undefined;
  return shared.find((r) => r.status === 'failed');
}

/** A failure that could be confirmed alone but was not, because its service's budget for confirmations was spent. */
export function unconfirmed(f: Failure, budget: { ms: number; service: string }): Failure {
  const why = `the ${budget.ms / 1000} s for confirming ${budget.service} checks was spent`;
  return { ...f, message: `${f.message} (not confirmed alone: ${why})` };
}
