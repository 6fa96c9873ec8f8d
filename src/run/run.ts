// The scheduler: selected cases → results, by the verdict model in the README
// ("How a verdict is reached"). A case's verdict is the one it gets alone:
// cases whose verdict depends on other clients are `exclusive` (the loader
// refuses them otherwise) and run alone; the others share their service, and
// only a failure where the server gave no whole answer is confirmed alone.
import { lookup } from 'node:dns/promises';
import { caseUid, randomSeed } from '../spec/draw.js';
import { exclusionReason, type Selection } from '../spec/select.js';
import type { CaseDef, ServiceName, Spec } from '../spec/types.js';
import type { Endpoint } from '../transport/errors.js';
import { UsageError } from '../errors.js';
import { caseIdentity, runCase, type StepRunner } from './case.js';
import {
  summarize,
  type CaseResult,
  type Failure,
  type RunInfo,
  type RunResult,
  type Target,
} from '../model/result.js';
import { STEP_RUNNERS } from './steps/index.js';
import { pool } from './pool.js';
import { applyProfile, DEFAULT_PROFILE, type Profile } from './profile.js';
import type { Attempt, SettlePolicy, Settled } from './settle.js';
import { answered, CONFIRM_BUDGET_MS, silent, unanswered, unconfirmed } from './verdict.js';

export interface RunOptions {
  specs: Spec[];
  host: string;
  /** Port per service; a spec's own default where absent. */
  ports?: Partial<Record<ServiceName, number>>;
  selection: Selection;
  /** Deadline of a step that names none (ms). */
  timeoutMs?: number;
  /** --set values; they override a spec's `vars` defaults. */
  vars?: Record<string, string>;
  /** Cases in flight at once in the concurrent phase. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called once, before any case starts, with what the run will test. */
  onRunStart?: (info: RunInfo) => void;
  /** Called once per case with its final result, as it settles; the result never changes after. */
  onCaseEnd?: (r: CaseResult) => void;
  /**
   * Called as each attempt at a case starts (a failure may be tried again alone), so a caller can place results in
   * time.
   */
  onCaseStart?: (c: { spec: string; id: string }) => void;
  /** Which cases earn points (default: core). */
  profile?: Profile;
  /** The seed the spec's drawn values and {{uid}} come from (default: a random one); the same seed repeats a run. */
  seed?: number;
  /** Step runners by service, to replace the built-in ones (tests). */
  stepRunners?: Partial<Record<ServiceName, StepRunner>>;
  /**
   * The one hook into settling (a started server's crashes, a submission's deadline): onCaseEnd sees what it settles.
   */
  settle?: SettlePolicy;
  /** The most time confirmations alone may take per service (ms; default CONFIRM_BUDGET_MS). */
  confirmBudgetMs?: number;
}

interface Planned {
  spec: Spec;
  def: CaseDef;
  order: number;
  reason?: string;
}

async function resolveHost(host: string): Promise<{ address: string; family: 4 | 6 }> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  try {
    const r = await lookup(bare);
    return { address: r.address, family: r.family === 6 ? 6 : 4 };
  } catch {
    throw new UsageError(`the host name "${host}" does not resolve`);
  }
}

/** The port a spec's service is tested on: the one given, else the spec's default. The one place this is decided. */
export function portFor(spec: Spec, ports: RunOptions['ports']): number {
  return ports?.[spec.service] ?? spec.port;
}

/** The host and the port of every service the specs test. */
export function targetOf(specs: Spec[], host: string, ports: RunOptions['ports']): Target {
  return { host, ports: Object.fromEntries(specs.map((s) => [s.service, portFor(s, ports)])) };
}

const specsOf = (specs: Spec[]): RunResult['specs'] =>
  specs.map((s) => ({ name: s.name, title: s.title, file: s.file, path: s.path, service: s.service }));

function skippedResult(p: Planned): CaseResult {
  return {
    ...caseIdentity(p),
    status: 'skipped',
    failure: { message: p.reason! },
    durationMs: 0,
    points: 0,
    maxPoints: 0,
    transcript: [],
  };
}

function silentResult(p: Planned, sample: CaseResult): CaseResult {
  const why = sample.failure?.message ?? 'no answer';
  const message =
    `not run: the server answered none of the other ${p.spec.service} checks (${why}), so this one ` + `cannot pass`;
  return { ...skippedResult(p), status: 'failed', failure: { message }, maxPoints: p.def.points };
}

function stoppedResult(p: Planned, deadlineMs: number): CaseResult {
  const message =
    `stopped: the server sent nothing to the other ${p.spec.service} checks within ${deadlineMs} ms, ` +
    `so this one cannot pass`;
  return { ...skippedResult(p), status: 'failed', failure: { message, cause: 'DEADLINE' }, maxPoints: p.def.points };
}

function failedResult(p: Planned, failure: Failure): CaseResult {
  return { ...skippedResult(p), status: 'failed', failure, maxPoints: p.def.points };
}

/** An attempt: deferred by the policy, failed by it without running, or run. */
type Tried = { defer: true } | { result: CaseResult; attempt?: Attempt };

export async function run(opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const signal = opts.signal ?? new AbortController().signal;
  const { address, family } = await resolveHost(opts.host);
  const seed = opts.seed ?? randomSeed();
  const attempts = new Map<Planned, number>();
  const runners: Record<ServiceName, StepRunner> = { ...STEP_RUNNERS, ...opts.stepRunners };
  const policy = opts.settle ?? {};
  const concurrency = opts.concurrency ?? 16;

  const planned: Planned[] = opts.specs.flatMap((spec) =>
    spec.cases.map((def) => ({ spec, def, order: 0, reason: exclusionReason(def, opts.selection) })),
  );
  planned.forEach((p, i) => (p.order = i));
  const target = targetOf(opts.specs, opts.host, opts.ports);
  // "Selected" means one thing: the cases the selection lets run (a skip for a failed prerequisite still counts).
  opts.onRunStart?.({ specs: specsOf(opts.specs), target, selected: planned.filter((p) => !p.reason).length });
  const results = new Map<Planned, CaseResult>();
  const byOrder = (a: Planned, b: Planned) => a.order - b.order;

  const final = (p: Planned, r: CaseResult) => {
    const graded = applyProfile([r], opts.profile ?? DEFAULT_PROFILE)[0];
    results.set(p, graded);
    opts.onCaseEnd?.(graded);
  };
  const attemptOf = (p: Planned, mode: Attempt['mode']): Attempt => ({
    spec: p.spec.name,
    id: p.def.id,
    mode,
    startedAt: Date.now(),
  });
  const tryCase = async (p: Planned, mode: Attempt['mode'], discard?: AbortSignal): Promise<Tried> => {
    const attempt = attemptOf(p, mode);
    const before = policy.before ? await policy.before(attempt) : 'run';
    if (before === 'defer') return { defer: true };
    if (before !== 'run') return { result: failedResult(p, before) };
    attempt.startedAt = Date.now();
    const endpoint: Endpoint = { host: opts.host, address, family, port: portFor(p.spec, opts.ports) };
    // Per case and attempt, not per run: a case's uid must not depend on which other cases ran before it,
    // and a confirmation cannot see what the first attempt stored under its {{uid}}.
    const tried = attempts.get(p) ?? 0;
    attempts.set(p, tried + 1);
    const uid = caseUid({ seed, spec: p.spec.name, caseId: p.def.id }, tried);
    const vars = { ...p.spec.vars, ...opts.vars, uid, host: opts.host, port: String(endpoint.port) };
    opts.onCaseStart?.({ spec: p.spec.name, id: p.def.id });
    const result = await runCase({
      spec: p.spec,
      def: p.def,
      endpoint,
      vars,
      defaultTimeoutMs: opts.timeoutMs ?? 2000,
      signal,
      discard,
      stepRunner: runners[p.spec.service],
      seed,
    });
    return { result, attempt };
  };
  const settleOf = async (t: Tried): Promise<Settled> => {
    if ('defer' in t) return 'defer';
    return t.attempt && policy.settle ? policy.settle(t.result, t.attempt) : t.result;
  };

  for (const p of planned.filter((p) => p.reason)) final(p, skippedResult(p));
  const selected = planned.filter((p) => !p.reason);
  const services = [...new Set(selected.map((p) => p.spec.service))];
  const deferred: Planned[] = [];

  // Phase 1: the cases that may share a service, concurrently. They settle together at its end.
  const tried = new Map<Planned, Tried>();
  const firstDeadline = (p: Planned) => p.def.steps[0]?.timeoutMs ?? p.def.timeoutMs ?? opts.timeoutMs ?? 2000;
  const sharedPhase = async (service: ServiceName) => {
    const cases = selected.filter((p) => p.spec.service === service && !p.def.exclusive);
    // A service silent to the first case that ends (it waited out its deadline, not a byte came)
    // is not waited for longer: cases not yet started and those with longer deadlines stop, as
    // exclusive ones are not run. (Which cases stop depends on deadlines only, not on timing.)
    let quiet: { deadline: number } | undefined;
    const stoppers = new Map<Planned, () => void>();
    await pool(cases, concurrency, async (p) => {
      // A stopped attempt is discarded, and aborted: its sockets close now, not at its deadline.
      const discard = new AbortController();
      const stopped = new Promise<'stopped'>((resolve) =>
        stoppers.set(p, () => {
          discard.abort();
          resolve('stopped');
        }),
      );
      const t = quiet ? 'stopped' : await Promise.race([tryCase(p, 'shared', discard.signal), stopped]);
      stoppers.delete(p);
      // A stopped case settles like any attempt (--bail, a crash), not as a bare failure.
      if (t === 'stopped')
        return void tried.set(p, { result: stoppedResult(p, quiet!.deadline), attempt: attemptOf(p, 'shared') });
      tried.set(p, t);
      const silentAnswer =
        'result' in t &&
        t.result.failure?.cause === 'DEADLINE' &&
        !t.result.transcript.some((ev) => ev.kind === 'recv');
      if (!quiet && silentAnswer && cases.filter((q) => tried.has(q)).length === 1) {
        quiet = { deadline: firstDeadline(p) };
        for (const [q, stop] of stoppers) if (firstDeadline(q) > quiet.deadline) stop();
      }
    });
  };
  const shared = new Map<Planned, CaseResult>();
  const confirm = new Map<Planned, CaseResult>();
  const sharedOf = (service: ServiceName) => [...shared].filter(([p]) => p.spec.service === service).map(([, r]) => r);
  const settleShared = async (among: ServiceName[]) => {
    const ended = selected.filter((q) => among.includes(q.spec.service) && tried.has(q));
    // Failures settle first: one that saw the server die lets the policy learn of the crash
    // before any pass of the same phase becomes final.
    const passed = (p: Planned) => {
      const t = tried.get(p)!;
      return 'result' in t && t.result.status === 'passed';
    };
    for (const p of [...ended.filter((q) => !passed(q)), ...ended.filter(passed)]) {
      const s = await settleOf(tried.get(p)!);
      if (typeof s === 'string') deferred.push(p);
      else shared.set(p, s);
    }
    // A complete wrong answer is final; a failure without a whole answer is confirmed alone,
    // when the service answered other cases (a dead one would only fail again, slowly).
    for (const p of ended.filter((q) => shared.has(q))) {
      const r = shared.get(p)!;
      if (unanswered(r) && !signal.aborted && sharedOf(p.spec.service).some(answered)) confirm.set(p, r);
      else final(p, r);
    }
  };

  // Phase 2: per service, exclusive cases and confirmations one at a time, in spec order.
  // Each service has its own budget: services confirm side by side, and which of their cases got
  // confirmed must not depend on which service got to a shared budget first.
  const confirmBudgetMs = opts.confirmBudgetMs ?? CONFIRM_BUDGET_MS;
  const alone = async (service: ServiceName) => {
    let confirmSpentMs = 0;
    const quiet = silent(sharedOf(service));
    for (const p of selected.filter((q) => q.spec.service === service && (q.def.exclusive || confirm.has(q)))) {
      const first = confirm.get(p);
      let s: Settled;
      if (!first && quiet) {
        // Its service answered none of the shared cases: fail at once rather than wait out a deadline.
        s = await settleOf({ result: silentResult(p, quiet), attempt: attemptOf(p, 'alone') });
      } else if (first && confirmSpentMs >= confirmBudgetMs) {
        s = { ...first, failure: unconfirmed(first.failure!, { ms: confirmBudgetMs, service }) } as CaseResult;
      } else {
        const t0 = Date.now();
        s = await settleOf(await tryCase(p, 'alone'));
        if (first) confirmSpentMs += Date.now() - t0;
      }
      if (typeof s === 'string') deferred.push(p);
      else final(p, s);
    }
  };

  if (opts.settle) {
    // A policy may defer results (a started server that crashes, which all services share):
    // the shared phase ends for every service at once, so a crash reaches all of it alike.
    await Promise.all(services.map(sharedPhase));
    await settleShared(services);
    await Promise.all(services.map(alone));
  } else {
    // Services are independent: each goes through its phases side by side with the others.
    await Promise.all(
      services.map(async (service) => {
        await sharedPhase(service);
        await settleShared([service]);
        await alone(service);
      }),
    );
  }

  // Phase 3: cases the policy deferred (the server crashed), alone in the whole run, in spec order.
  for (const p of deferred.sort(byOrder)) {
    let last: CaseResult | undefined;
    for (let k = 0; k < 3; k++) {
      const t = await tryCase(p, 'recovery');
      if ('result' in t) last = t.result;
      const s = await settleOf(t);
      if (typeof s !== 'string') {
        last = undefined;
        final(p, s);
        break;
      }
    }
    if (last) final(p, last);
    else if (!results.has(p))
      final(p, failedResult(p, { message: 'netgrade could not run this case: the server never became ready for it' }));
  }

  const cases = planned.map((p) => results.get(p)!);
  return {
    version: 1,
    seed,
    target,
    summary: summarize(cases, Date.now() - started),
    specs: specsOf(opts.specs),
    cases,
  };
}
