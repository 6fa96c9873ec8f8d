// The scheduler: selected cases → results. Cases run concurrently, except that
// a case marked `exclusive` gets its service to itself, and a case that failed
// alongside others on a service that otherwise works is run again alone: so
// concurrency can make a run faster but never changes a verdict.
import { lookup } from 'node:dns/promises';
import { caseUid, randomSeed } from '../spec/draw.js';
import { exclusionReason, type Selection } from '../spec/select.js';
import type { CaseDef, ServiceName, Spec } from '../spec/types.js';
import type { Endpoint } from '../transport/errors.js';
import { runCase, type StepRunner } from './case.js';
import { summarize, type CaseResult, type RunResult, type Target } from './result.js';
import { runSocketStep } from './socket.js';
import { httpStepRunner } from './http.js';
import { applyProfile, DEFAULT_PROFILE, type Profile } from './grade.js';

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
  /** Called once per case with its final result, in the order cases finish. */
  onCaseEnd?: (r: CaseResult) => void;
  /** Called as each attempt at a case starts (a failure may be tried again alone), so a caller can place results in time. */
  onCaseStart?: (c: { spec: string; id: string }) => void;
  /** Which cases earn points (default: core). */
  profile?: Profile;
  /** The seed the spec's drawn values and {{uid}} come from (default: a random one); the same seed repeats a run. */
  seed?: number;
  /** Step runners by service, to replace the built-in ones (tests). */
  stepRunners?: Partial<Record<ServiceName, StepRunner>>;
}

export class UsageError extends Error {
  readonly code = 'USAGE';
}

interface Planned {
  spec: Spec;
  def: CaseDef;
  order: number;
  reason?: string;
}

/** Runs `work` over items with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
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

export function portFor(spec: Spec, ports: RunOptions['ports']): number {
  return ports?.[spec.service] ?? spec.port;
}

function skippedResult(p: Planned): CaseResult {
  const { spec, def } = p;
  return { id: def.id, spec: spec.name, title: def.title, requirement: def.requirement, source: def.source, hint: def.hint, tags: def.tags, location: def.location, status: 'skipped', failure: { message: p.reason! }, durationMs: 0, points: 0, maxPoints: 0, transcript: [] };
}

/**
 * Services on which no phase-1 case passed or received a single byte, with one of their
 * failures. A refused port is left out: its cases fail at once anyway, with the plain message.
 */
function silentServices(first: Map<Planned, CaseResult>): Map<ServiceName, CaseResult> {
  const out = new Map<ServiceName, CaseResult>();
  const heard = new Set<ServiceName>();
  for (const [p, r] of first) {
    const refused = r.failure?.cause === 'REFUSED';
    if (r.status === 'passed' || refused || r.transcript.some((e) => e.kind === 'recv')) heard.add(p.spec.service);
    else if (r.status === 'failed' && !out.has(p.spec.service)) out.set(p.spec.service, r);
  }
  for (const s of heard) out.delete(s);
  return out;
}

function silentResult(p: Planned, sample: CaseResult): CaseResult {
  const why = sample.failure?.message ?? 'no answer';
  const message = `not run: the server answered none of the other ${p.spec.service} checks (${why}), so this one cannot pass`;
  return { ...skippedResult(p), status: 'failed', failure: { message }, maxPoints: p.def.points };
}

interface ServiceRun {
  attempt: (p: Planned) => Promise<CaseResult>;
  settle: (p: Planned, r: CaseResult) => void;
  signal: AbortSignal;
  concurrency: number;
}

/** The cases of one service: phase 1 together, then phase 2 one at a time. */
async function runService(selected: Planned[], { attempt, settle, signal, concurrency }: ServiceRun): Promise<void> {
  // Phase 1: everything that may share the service, concurrently.
  const first = new Map<Planned, CaseResult>();
  await pool(selected.filter((p) => !p.def.exclusive), concurrency, async (p) => {
    const r = await attempt(p);
    first.set(p, r);
    if (r.status === 'passed') settle(p, r);
  });
  const working = [...first.values()].some((r) => r.status === 'passed');
  const again: Planned[] = [];
  for (const [p, r] of first) {
    if (r.status === 'passed') continue;
    if (r.status === 'failed' && working && !signal.aborted) again.push(p);
    else settle(p, r);
  }

  // A service that answered nothing at all in phase 1 cannot pass a case run alone either:
  // fail those at once rather than make a dead server cost every exclusive case its deadline.
  const silent = silentServices(first);
  const exclusive = selected.filter((p) => p.def.exclusive);
  for (const p of exclusive.filter((q) => silent.has(q.spec.service))) settle(p, silentResult(p, silent.get(p.spec.service)!));

  // Phase 2: exclusive cases, and failures to confirm alone, one at a time in spec order.
  const alone = [...exclusive.filter((p) => !silent.has(p.spec.service)), ...again].sort((a, b) => a.order - b.order);
  for (const p of alone) settle(p, await attempt(p));
}

export async function run(opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const signal = opts.signal ?? new AbortController().signal;
  const { address, family } = await resolveHost(opts.host);
  const seed = opts.seed ?? randomSeed();
  const attempts = new Map<Planned, number>();
  const runners: Record<ServiceName, StepRunner> = { udp: runSocketStep, tcp: runSocketStep, http: httpStepRunner, ...opts.stepRunners };

  const planned: Planned[] = opts.specs.flatMap((spec) => spec.cases.map((def) => ({ spec, def, order: 0, reason: exclusionReason(def, opts.selection) })));
  planned.forEach((p, i) => (p.order = i));
  const results = new Map<Planned, CaseResult>();

  const attempt = (p: Planned): Promise<CaseResult> => {
    const endpoint: Endpoint = { host: opts.host, address, family, port: portFor(p.spec, opts.ports) };
    // Per case, not per run: a case's uid must not depend on which other cases ran before it.
    const tried = attempts.get(p) ?? 0;
    attempts.set(p, tried + 1);
    const uid = caseUid({ seed, spec: p.spec.name, caseId: p.def.id }, tried);
    const vars = { ...p.spec.vars, ...opts.vars, uid, host: opts.host, port: String(endpoint.port) };
    opts.onCaseStart?.({ spec: p.spec.name, id: p.def.id });
    return runCase({ spec: p.spec, def: p.def, endpoint, vars, defaultTimeoutMs: opts.timeoutMs ?? 2000, signal, stepRunner: runners[p.spec.service], seed });
  };
  const settle = (p: Planned, r: CaseResult) => {
    const graded = applyProfile([r], opts.profile ?? DEFAULT_PROFILE)[0];
    results.set(p, graded);
    opts.onCaseEnd?.(graded);
  };

  for (const p of planned.filter((p) => p.reason)) settle(p, skippedResult(p));
  const selected = planned.filter((p) => !p.reason);
  // Services are independent: each goes through its own phases, side by side with the others.
  const services = [...new Set(selected.map((p) => p.spec.service))];
  await Promise.all(services.map((service) => runService(selected.filter((p) => p.spec.service === service), { attempt, settle, signal, concurrency: opts.concurrency ?? 16 })));

  const cases = planned.map((p) => results.get(p)!);
  const target: Target = { host: opts.host, ports: Object.fromEntries(opts.specs.map((s) => [s.service, portFor(s, opts.ports)])) };
  return {
    version: 1,
    seed,
    target,
    summary: summarize(cases, Date.now() - started),
    specs: opts.specs.map((s) => ({ name: s.name, title: s.title, file: s.file, path: s.path, service: s.service })),
    cases,
  };
}
