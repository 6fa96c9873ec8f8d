// The run's seed decides every payload: the same --seed sends the same bytes, another seed
// other bytes, and a case sends the same whether it runs alone or among all the others.
import { describe, expect, it } from 'vitest';
import { startReference } from '../../reference/index.js';
import type { RunResult } from '../../src/model/result.js';
import { run } from '../../src/run/run.js';
import { parseSpec } from '../../src/spec/load.js';
import { runSpec } from '../helpers/run-spec.js';

const ECHO = ['udp-echo', 'tcp-echo'];

/** What each case sent, per case; sorted, because a group of clients sends in any order. */
function sent(result: RunResult): Record<string, string[]> {
  return Object.fromEntries(
    result.cases.map((c) => [
      c.id,
      c.transcript
        .filter((e) => e.kind === 'send')
        .map((e) => e.data!)
        .sort(),
    ]),
  );
}

describe('payloads drawn from the seed', () => {
  it('the same seed sends the same bytes and passes; another seed sends other bytes in every case', async ({
    onTestFinished,
  }) => {
    const server = await startReference({ ports: { udp: 0, tcp: 0 } });
    onTestFinished(() => server.close());
    const [a, b, other] = [
      await runSpec(ECHO, server.ports, { seed: 99 }),
      await runSpec(ECHO, server.ports, { seed: 99 }),
      await runSpec(ECHO, server.ports, { seed: 100 }),
    ];
    expect([a.seed, b.seed, other.seed]).toEqual([99, 99, 100]);
    for (const r of [a, b, other]) expect(r.summary).toMatchObject({ passed: 17, failed: 0, errored: 0 });
    expect(sent(b)).toStrictEqual(sent(a));
    const differs = Object.entries(sent(other)).filter(
      ([id, data]) => JSON.stringify(data) !== JSON.stringify(sent(a)[id]),
    );
    expect(differs.map(([id]) => id)).toStrictEqual(a.cases.map((c) => c.id));
  });

  it('a case sends the same alone as among all the others', async ({ onTestFinished }) => {
    const server = await startReference({ ports: { udp: 0, tcp: 0 } });
    onTestFinished(() => server.close());
    const all = await runSpec(ECHO, server.ports, { seed: 5 });
    for (const id of ['udp.two-clients', 'tcp.segmented', 'tcp.sequential']) {
      const alone = await runSpec(ECHO, server.ports, {
        seed: 5,
        selection: { tags: 'all', grep: new RegExp(`^${id.replace('.', '\\.')}$`) },
      });
      expect(sent(alone)[id]).toStrictEqual(sent(all)[id]);
    }
  });

  it('a run without a seed draws one and reports it', async ({ onTestFinished }) => {
    const server = await startReference({ ports: { udp: 0 } });
    onTestFinished(() => server.close());
    const r = await runSpec('udp-echo', server.ports, { selection: { tags: 'all', grep: /^udp\.basic$/ } });
    expect(Number.isSafeInteger(r.seed)).toBe(true);
    const again = await runSpec('udp-echo', server.ports, {
      seed: r.seed,
      selection: { tags: 'all', grep: /^udp\.basic$/ },
    });
    expect(sent(again)).toStrictEqual(sent(r));
  });
});

describe('{{uid}} from the seed', () => {
  const spec = parseSpec(
    `name: u
title: U
service: tcp
port: 1
cases:
  - { id: u.one, title: one, requirement: r, tags: [core], steps: [{ send: "a-{{uid}}" }] }
  - { id: u.two, title: two, requirement: r, tags: [core], steps: [{ send: "b-{{uid}}" }] }
`,
    'u.yaml',
  );

  /** The uid each case saw, by a step runner that only records it. */
  async function uids(seed: number, grep?: RegExp): Promise<Record<string, string>> {
    const seen: Record<string, string> = {};
    await run({
      specs: [spec],
      host: '127.0.0.1',
      selection: { tags: 'all', grep },
      seed,
      stepRunners: { tcp: async (ctx) => void (seen[ctx.def.id] = ctx.vars.uid) },
    });
    return seen;
  }

  it('is the same for the same seed, alone or not, and another for another seed or case', async () => {
    const a = await uids(1);
    expect(await uids(1)).toStrictEqual(a);
    expect(await uids(1, /^u\.two$/)).toStrictEqual({ 'u.two': a['u.two'] });
    expect(a['u.one']).not.toBe(a['u.two']);
    const b = await uids(2);
    expect(b['u.one']).not.toBe(a['u.one']);
  });
});
