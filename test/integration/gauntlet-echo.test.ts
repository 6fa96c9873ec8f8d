// The echo gauntlet: servers a lazy or cheating student could hand in earn no more core
// points than what they truly implement, the checks that should catch each one fail, and
// every udp/tcp check in the catalogue fails against at least one of them.
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/result.js';
import { run } from '../../src/run/run.js';
import { loadSpecs } from '../../src/spec/load.js';
import { ECHO_SERVERS, type GauntletServer } from '../gauntlet/echo-servers.js';
import { SEED } from '../helpers/run-spec.js';

const results = new Map<string, RunResult>();

/** Runs every gauntlet server through its specs (every tag, default profile: core earns the points), a few at once. */
beforeAll(async () => {
  const queue = [...ECHO_SERVERS];
  const lane = async () => {
    for (let g = queue.shift(); g; g = queue.shift()) {
      const server = await g.start();
      try {
        results.set(
          g.name,
          await run({
            specs: loadSpecs(g.specs),
            host: '127.0.0.1',
            ports: server.ports,
            selection: { tags: 'all' },
            seed: SEED,
          }),
        );
      } finally {
        await server.close();
      }
    }
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
}, 120_000);

const failed = (r: RunResult) => r.cases.filter((c) => c.status === 'failed').map((c) => c.id);

describe('degenerate echo servers', () => {
  it('each runs to the end without a case netgrade could not test', () => {
    expect(ECHO_SERVERS.filter((g) => !results.has(g.name)).map((g) => g.name)).toStrictEqual([]);
    const errored = [...results].flatMap(([name, r]) =>
      r.cases.filter((c) => c.status === 'errored').map((c) => `${name}: ${c.id}: ${c.failure?.message}`),
    );
    expect(errored).toStrictEqual([]);
  });

  it.for(ECHO_SERVERS)('$name earns at most $maxCorePoints core points', (g: GauntletServer) => {
    const r = results.get(g.name)!;
    const earned = r.cases.filter((c) => c.status === 'passed' && c.points > 0).map((c) => c.id);
    expect(
      r.summary.points,
      `"${g.name}" (${g.why}) earned ${earned.join(', ')} with seed ${r.seed}`,
    ).toBeLessThanOrEqual(g.maxCorePoints);
    // A core point is a core check passed: the bound is on checks, not on a weighting.
    expect(r.summary.points).toBe(earned.length);
  });

  it.for(ECHO_SERVERS.filter((g) => g.mustFail))('$name fails the checks that catch it', (g: GauntletServer) => {
    const r = results.get(g.name)!;
    expect(
      g.mustFail!.filter((id) => !failed(r).includes(id)),
      `checks that passed "${g.name}" (${g.why})`,
    ).toStrictEqual([]);
  });

  it('every udp and tcp check fails against at least one of them', () => {
    const ids = loadSpecs(['udp-echo', 'tcp-echo']).flatMap((s) => s.cases.map((c) => c.id));
    const caught = new Set([...results.values()].flatMap(failed));
    expect(ids.filter((id) => !caught.has(id))).toStrictEqual([]);
    expect(ids.length).toBe(17);
  });
});
