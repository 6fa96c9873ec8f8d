// The verdict model of README "How a verdict is reached", pinned with fake step
// runners: no sockets, so each rule is seen on its own.
import { describe, expect, it } from 'vitest';
import { sleep, type CaseContext } from '../../src/run/context.js';
import type { CaseResult } from '../../src/model/result.js';
import { run, type RunOptions } from '../../src/run/run.js';
import type { SettlePolicy } from '../../src/run/settle.js';
import { parseSpec } from '../../src/spec/load.js';
import type { CaseDef, Spec, Step } from '../../src/spec/types.js';
import { StepFailed, SpecError, formatProblem } from '../../src/errors.js';

/** How a fake case behaves at one attempt: pass, or fail with a cause (none: a whole, wrong answer). */
type Behaviour = (seen: Seen) => Promise<void> | void;
interface Seen {
  /** The most cases of the run in flight while this attempt ran, itself included. */
  inFlight: number;
  /** This case's attempt number, from 1. */
  attempt: number;
  uid: string;
}

const fail = (message: string, cause?: string) => {
  throw new StepFailed({ message, cause });
};

function fakeRun(cases: Array<{ id: string; exclusive?: boolean; does: Behaviour }>, extra: Partial<RunOptions> = {}) {
  const defs: CaseDef[] = cases.map((c, i) => ({
    id: c.id,
    title: c.id,
    requirement: 'r',
    tags: ['core'],
    points: 1,
    exclusive: c.exclusive ?? false,
    steps: [{ send: 'x' }],
    location: { file: 'f.yaml', line: i + 1, col: 1 },
  }));
  const spec: Spec = { name: 'f', title: 'F', service: 'tcp', port: 1, vars: {}, cases: defs, file: 'f.yaml' };
  const log: Array<Seen & { id?: string }> = [];
  const attempts = new Map<string, number>();
  const running = new Set<Seen>();
  const stepRunner = async (ctx: CaseContext, _step: Step) => {
    const id = ctx.def.id;
    attempts.set(id, (attempts.get(id) ?? 0) + 1);
    const seen: Seen = { inFlight: 0, attempt: attempts.get(id)!, uid: ctx.vars.uid };
    running.add(seen);
    for (const r of running) r.inFlight = Math.max(r.inFlight, running.size);
    log.push(Object.assign(seen, { id }));
    try {
      // Let every case of a phase start before any ends, as sockets would.
      await sleep(5);
      await cases.find((c) => c.id === id)!.does(seen);
    } finally {
      running.delete(seen);
    }
  };
  const ended: CaseResult[] = [];
  const result = run({
    specs: [spec],
    host: '127.0.0.1',
    selection: { tags: 'all' },
    stepRunners: { tcp: stepRunner },
    onCaseEnd: (r) => ended.push(r),
    ...extra,
  });
  return { result, log, ended, attemptsOf: (id: string) => log.filter((l) => l.id === id) };
}

const verdicts = (cases: CaseResult[]) =>
  Object.fromEntries(cases.map((c) => [c.id, c.failure ? `${c.status}: ${c.failure.message}` : c.status]));

describe('a case shares its service unless it is exclusive', () => {
  it('runs the shared cases together, then each exclusive case alone, in spec order', async () => {
    const { result, log } = fakeRun([
      { id: 'a', does: () => undefined },
      { id: 'x', exclusive: true, does: () => undefined },
      { id: 'b', does: () => undefined },
      { id: 'y', exclusive: true, does: () => undefined },
    ]);
    expect(verdicts((await result).cases)).toStrictEqual({ a: 'passed', x: 'passed', b: 'passed', y: 'passed' });
    expect(log.map((l) => `${l.id}:${l.inFlight}`)).toStrictEqual(['a:2', 'b:2', 'x:1', 'y:1']);
  });
});

describe('a complete, well-formed wrong answer is final', () => {
  it('is not tried again, alone or otherwise', async () => {
    const { result, attemptsOf } = fakeRun([
      // Wrong only alongside others: a second attempt alone would pass, and must not be made.
      { id: 'blank-key', does: (s) => (s.inFlight > 1 ? fail('expected status 400, got 200') : undefined) },
      { id: 'ok', does: () => undefined },
    ]);
    expect(verdicts((await result).cases)).toStrictEqual({
      'blank-key': 'failed: expected status 400, got 200',
      ok: 'passed',
    });
    expect(attemptsOf('blank-key')).toHaveLength(1);
  });
});

describe('a failure without a whole answer', () => {
  it('is confirmed alone, with a fresh {{uid}}, when the service answered other cases', async () => {
    const { result, attemptsOf } = fakeRun([
      { id: 'slow', does: (s) => (s.inFlight > 1 ? fail('no reply within 2000 ms', 'DEADLINE') : undefined) },
      { id: 'ok', does: () => undefined },
    ]);
    expect(verdicts((await result).cases)).toStrictEqual({ slow: 'passed', ok: 'passed' });
    const [first, second] = attemptsOf('slow');
    expect(second.inFlight).toBe(1);
    expect(second.uid).not.toBe(first.uid);
  });

  it('keeps the verdict it gets alone, also when that is a failure', async () => {
    const { result, attemptsOf } = fakeRun([
      {
        id: 'reset',
        does: (s) =>
          fail(
            s.inFlight > 1 ? 'the server reset the connection' : 'expected status 200, got 500',
            s.inFlight > 1 ? 'RESET' : undefined,
          ),
      },
      { id: 'ok', does: () => undefined },
    ]);
    expect(verdicts((await result).cases)).toStrictEqual({
      reset: 'failed: expected status 200, got 500',
      ok: 'passed',
    });
    expect(attemptsOf('reset')).toHaveLength(2);
  });

  it('is not confirmed when the service answered nothing, and exclusive cases then fail at once', async () => {
    const { result, attemptsOf } = fakeRun([
      { id: 'a', does: () => fail('no reply within 2000 ms', 'DEADLINE') },
      { id: 'b', does: () => fail('the response was not complete within 2000 ms (3 bytes came)', 'DEADLINE') },
      { id: 'x', exclusive: true, does: () => undefined },
    ]);
    expect(verdicts((await result).cases)).toStrictEqual({
      a: 'failed: no reply within 2000 ms',
      b: 'failed: the response was not complete within 2000 ms (3 bytes came)',
      x: 'failed: not run: the server answered none of the other tcp checks (no reply within 2000 ms), so this one cannot pass',
    });
    expect(['a', 'b', 'x'].map((id) => attemptsOf(id).length)).toStrictEqual([1, 1, 0]);
  });

  it("is confirmed only within its service's budget for confirmations; the rest keep their first failure and say so", async () => {
    const hang = (s: Seen) =>
      s.inFlight > 1
        ? fail('no reply within 2000 ms', 'DEADLINE')
        : sleep(300).then(() => fail('no reply within 2000 ms', 'DEADLINE'));
    const { result, attemptsOf } = fakeRun(
      [{ id: 'ok', does: () => undefined }, ...['h1', 'h2', 'h3', 'h4', 'h5'].map((id) => ({ id, does: hang }))],
      { confirmBudgetMs: 400 },
    );
    const cases = (await result).cases;
    // Each confirmation takes ~305 ms: the first two start within the 400 ms, the others do not.
    expect(['h1', 'h2', 'h3', 'h4', 'h5'].map((id) => attemptsOf(id).length)).toStrictEqual([2, 2, 1, 1, 1]);
    expect(cases.find((c) => c.id === 'h3')!.failure!.message).toBe(
      'no reply within 2000 ms (not confirmed alone: the 0.4 s for confirming tcp checks was spent)',
    );
    expect(cases.find((c) => c.id === 'h1')!.failure!.message).toBe('no reply within 2000 ms');
  });
});

/** Cases on two services at once, each with its own fake step runner. */
function twoServices(
  cases: Record<
    'tcp' | 'udp',
    Array<{ id: string; timeoutMs?: number; does: (ctx: CaseContext) => Promise<void> | void }>
  >,
  extra: Partial<RunOptions> = {},
) {
  const log: string[] = [];
  const specOf = (service: 'tcp' | 'udp'): Spec => ({
    name: service,
    title: service,
    service,
    port: 1,
    vars: {},
    file: `${service}.yaml`,
    cases: cases[service].map((c, i) => ({
      id: c.id,
      title: c.id,
      requirement: 'r',
      tags: ['core'],
      points: 1,
      exclusive: false,
      timeoutMs: c.timeoutMs,
      steps: [{ send: 'x' }],
      location: { file: `${service}.yaml`, line: i + 1, col: 1 },
    })),
  });
  const runner = (service: 'tcp' | 'udp') => async (ctx: CaseContext, _step: Step) => {
    log.push(ctx.def.id);
    await sleep(5);
    await cases[service].find((c) => c.id === ctx.def.id)!.does(ctx);
  };
  const result = run({
    specs: [specOf('tcp'), specOf('udp')],
    host: '127.0.0.1',
    selection: { tags: 'all' },
    stepRunners: { tcp: runner('tcp'), udp: runner('udp') },
    ...extra,
  });
  return { result, attemptsOf: (id: string) => log.filter((l) => l === id).length };
}

describe('confirmations alone', () => {
  it("each service has its own budget, so one service confirming does not use up another's", async () => {
    // Fails together with others, and again alone after 300 ms: each confirmation costs ~305 ms.
    const alone = new Set<string>();
    const hang = async (ctx: CaseContext) => {
      if (alone.has(ctx.def.id)) await sleep(300);
      alone.add(ctx.def.id);
      fail('no reply within 2000 ms', 'DEADLINE');
    };
    const { result, attemptsOf } = twoServices(
      {
        tcp: [
          { id: 'tcp-ok', does: () => undefined },
          { id: 't1', does: hang },
          { id: 't2', does: hang },
        ],
        udp: [
          { id: 'udp-ok', does: () => undefined },
          { id: 'u1', does: hang },
          { id: 'u2', does: hang },
        ],
      },
      { confirmBudgetMs: 580 },
    );
    const cases = (await result).cases;
    // Within one service the second confirmation starts ~305 ms in, well inside the 580 ms (a slow machine
    // has 275 ms to spare); a budget shared by both services would be spent (2 × ≥300 ms) before either
    // second confirmation began.
    expect(['t1', 't2', 'u1', 'u2'].map(attemptsOf)).toStrictEqual([2, 2, 2, 2]);
    expect(cases.filter((c) => c.status === 'failed').map((c) => c.failure?.message)).toStrictEqual(
      Array(4).fill('no reply within 2000 ms'),
    );
  });
});

describe('a stopped attempt', () => {
  it('is aborted when it is discarded: its signal fires and it ends then, not at its own deadline', async () => {
    let aborted: number | undefined;
    let ended: number | undefined;
    const started = Date.now();
    const { result } = twoServices({
      tcp: [
        // The first case to end waited out its deadline and got not a byte: the service is silent.
        { id: 'silent', timeoutMs: 50, does: () => sleep(50).then(() => fail('no reply within 50 ms', 'DEADLINE')) },
        {
          id: 'long',
          timeoutMs: 5000,
          does: async (ctx) => {
            ctx.signal.addEventListener('abort', () => (aborted = Date.now() - started));
            await sleep(5000, ctx.signal);
            ended = Date.now() - started;
          },
        },
      ],
      udp: [],
    });
    const r = await result;
    expect(verdicts(r.cases).long).toBe(
      'failed: stopped: the server sent nothing to the other tcp checks within 50 ms, so this one cannot pass',
    );
    expect(aborted).toBeLessThan(1000);
    await sleep(20);
    expect(ended).toBeLessThan(1000);
  });
});

describe('the settling hook', () => {
  it('is the one place a policy changes a result: onCaseEnd sees exactly what the run returns', async () => {
    const policy: SettlePolicy = {
      settle: (r) => (r.status === 'failed' ? { ...r, failure: { message: `policy: ${r.failure.message}` } } : r),
    };
    const { result, ended } = fakeRun(
      [
        { id: 'a', does: () => fail('wrong') },
        { id: 'b', does: () => undefined },
      ],
      { settle: policy },
    );
    const r = await result;
    expect(verdicts(r.cases)).toStrictEqual({ a: 'failed: policy: wrong', b: 'passed' });
    expect(ended.sort((x, y) => x.id.localeCompare(y.id))).toStrictEqual(r.cases);
  });

  it('defers cases to a recovery queue that runs them alone in spec order, and may run one again once more', async () => {
    let crashed = false;
    let again = 0;
    const policy: SettlePolicy = {
      // As a crashed server's supervisor does: nothing runs alongside after the crash.
      before: (a) => (crashed && a.mode !== 'recovery' ? 'defer' : 'run'),
      settle: (r, a) => {
        if (a.mode !== 'recovery') return crashed ? 'defer' : r;
        if (a.id === 'b' && again++ === 0) return 'again';
        return r;
      },
    };
    const { result, log } = fakeRun(
      [
        { id: 'a', does: () => undefined },
        {
          id: 'b',
          does: (s) => {
            if (s.attempt === 1) crashed = true;
          },
        },
        { id: 'c', does: () => undefined },
        { id: 'x', exclusive: true, does: () => undefined },
      ],
      { settle: policy },
    );
    expect(verdicts((await result).cases)).toStrictEqual({ a: 'passed', b: 'passed', c: 'passed', x: 'passed' });
    // Shared phase (a, b, c together), then x deferred without running, then recovery: a, b twice, c, x, each alone.
    expect(log.map((l) => `${l.id}:${l.inFlight}`)).toStrictEqual([
      'a:3',
      'b:3',
      'c:3',
      'a:1',
      'b:1',
      'b:1',
      'c:1',
      'x:1',
    ]);
  });

  it('fails a case without running it when the policy says so before the attempt', async () => {
    const { result, log } = fakeRun([{ id: 'a', does: () => undefined }], {
      settle: { before: () => ({ message: 'not run: budget spent' }) },
    });
    expect(verdicts((await result).cases)).toStrictEqual({ a: 'failed: not run: budget spent' });
    expect(log).toHaveLength(0);
  });
});

describe('a case whose verdict depends on other clients must be exclusive (validation)', () => {
  const spec = (steps: string, exclusive = false) => `name: f
title: F
service: tcp
port: 1
cases:
  - id: f.a
    title: A
    requirement: R
    tags: [core]${exclusive ? '\n    exclusive: true' : ''}
    steps:
${steps}`;
  const problems = (text: string) => {
    try {
      parseSpec(text, 'f.yaml');
      return [];
    } catch (err) {
      if (err instanceof SpecError) return err.problems.map(formatProblem);
      throw err;
    }
  };

  it.each([
    [
      '      - send: x\n        expect: { equals: X, closedWithinMs: 1000 }\n',
      'f.yaml:12:30 /cases/0/steps/0/expect: case "f.a" must be "exclusive: true": step 1 expects the server to close the connection (closedWithinMs), so its verdict would depend on the other clients of the service',
    ],
    [
      '      - send: x\n        then: reset\n',
      'f.yaml:12:9 /cases/0/steps/0: case "f.a" must be "exclusive: true": step 1 leaves the connection in a state of its own (then: reset), so its verdict would depend on the other clients of the service',
    ],
    [
      '      - client: q\n        connect: true\n',
      'f.yaml:12:9 /cases/0/steps/0: case "f.a" must be "exclusive: true": step 1 opens a connection and holds it (connect), so its verdict would depend on the other clients of the service',
    ],
    [
      '      - clients: 3\n        send: x\n',
      'f.yaml:11:9 /cases/0/steps/0: case "f.a" must be "exclusive: true": step 1 uses 3 clients at once, so its verdict would depend on the other clients of the service',
    ],
    [
      '      - repeat: 5\n        send: x\n',
      'f.yaml:11:9 /cases/0/steps/0: case "f.a" must be "exclusive: true": step 1 makes 5 requests one after another, so its verdict would depend on the other clients of the service',
    ],
    [
      '      - send: ["a", { delayMs: 200 }, "b"]\n',
      'f.yaml:11:9 /cases/0/steps/0: case "f.a" must be "exclusive: true": step 1 pauses inside what it sends ({delayMs}), so its verdict would depend on the other clients of the service',
    ],
    [
      '      - send: x\n        expect: { equals: X, replyWithinMs: 100 }\n',
      'f.yaml:12:30 /cases/0/steps/0/expect: case "f.a" must be "exclusive: true": step 1 times the reply (replyWithinMs), which other clients slow down, so its verdict would depend on the other clients of the service',
    ],
  ])('refuses %j in a case that is not exclusive', (steps, message) => {
    expect(problems(spec(steps))).toStrictEqual([message]);
    expect(problems(spec(steps, true))).toStrictEqual([]);
  });

  it('allows a plain exchange to share its service', () => {
    expect(problems(spec('      - send: x\n        expect: { equals: X }\n'))).toStrictEqual([]);
  });
});
