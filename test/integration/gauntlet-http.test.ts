// The HTTP gauntlet: servers a lazy or cheating student could hand in. Each may earn at most
// the core points of what it truly implements (the reason is stated beside it in
// test/gauntlet/http-servers.ts); a check that lets one earn more fails here.
import { describe, expect, it } from 'vitest';
import { HTTP_SERVERS } from '../gauntlet/http-servers.js';
import { runSpec } from '../helpers/run-spec.js';

describe.concurrent('the HTTP gauntlet of degenerate servers', () => {
  it.for(HTTP_SERVERS)('$name earns at most $maxCorePoints core points', async (g, { onTestFinished }) => {
    const server = await g.start();
    onTestFinished(() => server.close());
    const result = await runSpec(g.specs, server.ports, { selection: { tags: 'all' } });
    const earned = result.cases.filter((c) => c.status === 'passed' && c.points > 0).map((c) => c.id);
    expect(result.summary.points, `${g.why}\nearned: ${earned.join(', ')}`).toBeLessThanOrEqual(g.maxCorePoints);
    const passed = new Set(result.cases.filter((c) => c.status === 'passed').map((c) => c.id));
    expect((g.fails ?? []).filter((id) => passed.has(id)), 'checks it must fail').toEqual([]);
  });
});
