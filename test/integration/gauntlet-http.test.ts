// The HTTP gauntlet: servers a lazy or cheating student could hand in. Each may earn at most
// the core points of what it truly implements (the reason is stated beside it in
// test/gauntlet/http-servers.ts); a check that lets one earn more fails here. And every
// kv/cond/cookie check fails against at least one broken or degenerate server.
import { describe, expect, it } from 'vitest';
import { loadSpecs } from '../../src/spec/load.js';
import { BROKEN_HTTP } from '../gauntlet/broken-http.js';
import { HTTP_SERVERS } from '../gauntlet/http-servers.js';
import { runSpec } from '../helpers/run-spec.js';

/** Checks some degenerate server failed, filled in by the runs below. */
const failedSomewhere = new Set<string>();

describe.concurrent('the HTTP gauntlet of degenerate servers', () => {
  it.for(HTTP_SERVERS)('$name earns at most $maxCorePoints core points', async (g, { onTestFinished }) => {
    const server = await g.start();
    onTestFinished(() => server.close());
    const result = await runSpec(g.specs, server.ports, { selection: { tags: 'all' } });
    for (const c of result.cases) if (c.status === 'failed') failedSomewhere.add(c.id);
    const earned = result.cases.filter((c) => c.status === 'passed' && c.points > 0).map((c) => c.id);
    expect(result.summary.points, `${g.why}\nearned: ${earned.join(', ')}`).toBeLessThanOrEqual(g.maxCorePoints);
    const passed = new Set(result.cases.filter((c) => c.status === 'passed').map((c) => c.id));
    expect(
      (g.fails ?? []).filter((id) => passed.has(id)),
      'checks it must fail',
    ).toEqual([]);
    expect(
      (g.earns ?? []).filter((id) => !passed.has(id)),
      'checks it must pass',
    ).toEqual([]);
  });
});

describe('every check can fail', () => {
  // The broken servers' failures are pinned one by one in test/integration/{kv,cond,cookie}-broken.test.ts.
  it('every kv/cond/cookie check fails against at least one broken or degenerate server', () => {
    const ids = loadSpecs(['kv-http', 'conditional-get', 'cookies']).flatMap((s) => s.cases.map((c) => c.id));
    const broken = new Set(BROKEN_HTTP.map((b) => b.breaks));
    expect(ids.filter((id) => !broken.has(id) && !failedSomewhere.has(id))).toEqual([]);
    // Framing and header checks have no degenerate server that fails them: only broken ones.
    expect(ids.filter((id) => !failedSomewhere.has(id))).toEqual([
      'kv.status-line',
      'kv.crlf',
      'kv.header-syntax',
      'kv.date',
    ]);
  });
});
