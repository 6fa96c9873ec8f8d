import type { CaseDef, Payload, Spec, Step } from '../spec/types.js';
import type { Endpoint } from '../transport/errors.js';
import { freshProtocolState, sleep, varsAt, type CaseContext } from './context.js';
import type { CaseResult, Failure } from '../model/result.js';
import { Transcript } from './transcript.js';
import { TcpClient } from '../transport/tcp.js';
import { FilterInputError, TemplateError, CaseErrored, StepFailed } from '../errors.js';

export type StepRunner = (ctx: CaseContext, step: Step) => Promise<void>;

export interface CaseRunOptions {
  spec: Spec;
  def: CaseDef;
  endpoint: Endpoint;
  vars: Record<string, string>;
  defaultTimeoutMs: number;
  signal: AbortSignal;
  /** Aborted when the scheduler discards this attempt: it ends at once and its sockets close. */
  discard?: AbortSignal;
  /** Runs one step of the spec's service. */
  stepRunner: StepRunner;
  /** The run's seed, which the spec's drawn values come from. */
  seed: number;
}

/** Pauses written inside a payload (`{delayMs}` between parts, a split request): they come before the reads. */
function payloadDelayMs(s: Step): number {
  const delays = (p: Payload | undefined) =>
    Array.isArray(p) ? p.reduce((n, x) => n + (typeof x === 'object' && 'delayMs' in x ? x.delayMs : 0), 0) : 0;
  const split = s.request?.split ? s.request.split.delayMs * (s.request.split.pieces - 1) : 0;
  return delays(s.send) + delays(s.raw) + delays(s.request?.body) + split;
}

/** A ceiling on a whole case: every wait already has a deadline, this is the belt to those braces. */
function caseBudgetMs(def: CaseDef, defaultTimeoutMs: number): number {
  // Payload pauses are waited out even past a step's deadline, so the budget counts them: a case
  // never errors while its steps still talk to the server (pinned by payload-pauses-deadline.test.ts).
  const per = (s: Step) =>
    ((s.timeoutMs ?? def.timeoutMs ?? defaultTimeoutMs) + payloadDelayMs(s)) * (s.repeat ?? 1) +
    (s.delayMs ?? 0) +
    (s.expect?.closedWithinMs ?? 0) +
    500;
  return def.steps.reduce((n, s) => n + per(s), 5000);
}

function stepLabel(step: Step, index: number): string {
  return step.label ?? `step ${index + 1}`;
}

async function runSteps(ctx: CaseContext, run: StepRunner): Promise<void> {
  for (let i = 0; i < ctx.def.steps.length; i++) {
    const step = ctx.def.steps[i];
    if (ctx.signal.aborted) throw new CaseErrored('the run was interrupted');
    try {
      if (step.delayMs) await sleep(step.delayMs, ctx.signal);
      await run(ctx, step);
    } catch (err) {
      // A filter that cannot work on a value the server sent is the server's failure, at this step.
      const failed = err instanceof FilterInputError ? new StepFailed({ message: err.message }) : err;
      if (failed instanceof StepFailed) Object.assign(failed.failure, { step: i, stepLabel: stepLabel(step, i) });
      throw failed;
    }
  }
}

/** What every result of a case says about the case itself, whatever happened to it. */
export function caseIdentity({ spec, def }: { spec: Spec; def: CaseDef }) {
  return {
    id: def.id,
    spec: spec.name,
    title: def.title,
    requirement: def.requirement,
    source: def.source,
    hint: def.hint,
    tags: def.tags,
    location: def.location,
    maxPoints: def.points,
  };
}

/** Runs one case from start to end: always returns a result, never throws. */
export async function runCase(opts: CaseRunOptions): Promise<CaseResult> {
  const start = Date.now();
  const transcript = new Transcript(start);
  // Aborted when the case ends too: a step still running behind a cut-off case stops, and opens nothing more.
  const ended = new AbortController();
  const signal = AbortSignal.any([opts.signal, ended.signal, ...(opts.discard ? [opts.discard] : [])]);
  const ctx: CaseContext = {
    spec: opts.spec,
    def: opts.def,
    endpoint: opts.endpoint,
    vars: { ...opts.vars },
    transcript,
    defaultTimeoutMs: opts.defaultTimeoutMs,
    named: new Map(),
    opened: new Set(),
    signal,
    seed: opts.seed,
    ...freshProtocolState(),
  };
  // A step that is neither repeated nor a group of clients sees the values drawn for client 1, repeat 1.
  ctx.vars = varsAt(ctx, ctx.vars, { client: '1', i: '1' });
  let timer: NodeJS.Timeout | undefined;
  let onDiscard: (() => void) | undefined;
  const budget = caseBudgetMs(opts.def, opts.defaultTimeoutMs);
  const overtime = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CaseErrored(`the case did not finish within its ${budget} ms budget`)), budget);
    // A step waiting on a read does not watch the signal: the case ends here, and `finally` closes its sockets.
    onDiscard = () => reject(new CaseErrored('the scheduler discarded this attempt'));
    if (opts.discard?.aborted) onDiscard();
    else opts.discard?.addEventListener('abort', onDiscard, { once: true });
  });
  const done = (r: { status: CaseResult['status']; failure?: Failure }): CaseResult =>
    ({
      ...caseIdentity(opts),
      ...r,
      points: r.status === 'passed' ? opts.def.points : 0,
      durationMs: Date.now() - start,
      transcript: transcript.finish(),
    }) as CaseResult;
  try {
    await Promise.race([runSteps(ctx, opts.stepRunner), overtime]);
    return done({ status: 'passed' });
  } catch (err) {
    if (err instanceof StepFailed) return done({ status: 'failed', failure: err.failure });
    const internal = !(err instanceof CaseErrored || err instanceof TemplateError);
    const message = internal
      ? `netgrade could not run this case: ${(err as Error)?.stack ?? String(err)}`
      : `netgrade could not run this case: ${(err as Error).message}`;
    return done({ status: 'errored', failure: { message } });
  } finally {
    ended.abort();
    clearTimeout(timer);
    if (onDiscard) opts.discard?.removeEventListener('abort', onDiscard);
    for (const c of ctx.named.values()) c.close();
    // A step cut off by the case budget may still hold a socket: none outlives its case.
    // (Connections netgrade already closed are left to finish their close.)
    for (const c of ctx.opened) {
      if (c instanceof TcpClient) {
        if (!c.released) c.destroy();
      } else c.close();
    }
  }
}
