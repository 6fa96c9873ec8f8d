// Every built-in spec passes, every tag selected, against the reference servers:
// the baseline that proves the specs right.
import { describe, expect, it } from 'vitest';
import { startReference } from '../../reference/index.js';
import { builtinSpecNames, loadSpecs } from '../../src/spec/load.js';
import { outcomes, passedExcept, runSpec } from '../helpers/run-spec.js';

const ALL = { name: 'all', tags: 'all' as const, weights: {} };

describe.concurrent('the reference servers pass the built-in specs', () => {
  it('finds every built-in spec', () => {
    expect(builtinSpecNames()).toEqual(['udp-echo', 'tcp-echo', 'kv-http', 'conditional-get', 'cookies']);
  });

  it.for(builtinSpecNames())('%s passes every case with --tags all', async (name, { onTestFinished }) => {
    const server = await startReference({ ports: { udp: 0, tcp: 0, http: 0 } });
    onTestFinished(() => server.close());
    // Grade every case, not only `core`, so that points count the cases.
    const result = await runSpec(name, server.ports, { profile: ALL });
    const n = result.cases.length;
    expect(n).toBeGreaterThan(0);
    expect(outcomes(result)).toEqual(passedExcept(result));
    expect(result.summary).toMatchObject({ passed: n, failed: 0, errored: 0, skipped: 0, points: n, maxPoints: n });
  });

  it('passes all specs at once, twice against the same server (run-unique keys never collide)', async ({
    onTestFinished,
  }) => {
    const server = await startReference({ ports: { udp: 0, tcp: 0, http: 0 } });
    onTestFinished(() => server.close());
    for (let round = 0; round < 2; round++) {
      const result = await runSpec(builtinSpecNames(), server.ports, { profile: ALL });
      expect(outcomes(result)).toEqual(passedExcept(result));
      expect(result.summary.passed).toBe(72);
    }
  });

  it('counts every catalogue id exactly once', () => {
    const ids = loadSpecs(builtinSpecNames()).flatMap((s) => s.cases.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(72);
  });
});
