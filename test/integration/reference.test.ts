// Every built-in udp and tcp spec passes, every tag selected, against the reference server.
import { describe, expect, it } from 'vitest';
import { startReference } from '../../reference/index.js';
import { builtinSpecNames, loadSpecs } from '../../src/spec/load.js';
import { outcomes, passedExcept, runSpec } from '../helpers/run-spec.js';

// Other services' specs are tested with their own reference servers elsewhere.
const SOCKET_SPECS = builtinSpecNames().filter((name) => ['udp', 'tcp'].includes(loadSpecs([name])[0].service));

describe.concurrent('the reference server passes the built-in socket specs', () => {
  it('finds the udp and tcp specs', () => {
    expect(SOCKET_SPECS).toEqual(expect.arrayContaining(['tcp-echo', 'udp-echo']));
  });

  it.for(SOCKET_SPECS)('%s passes every case with --tags all', async (name, { onTestFinished }) => {
    const server = await startReference({ ports: { udp: 0, tcp: 0 } });
    onTestFinished(() => server.close());
    // Grade every case, not only `core`, so that points count the cases.
    const result = await runSpec(name, server.ports, { profile: { name: 'all', tags: 'all', weights: {} } });
    const n = result.cases.length;
    expect(n).toBeGreaterThan(0);
    expect(outcomes(result)).toEqual(passedExcept(result));
    expect(result.summary).toMatchObject({ passed: n, failed: 0, errored: 0, skipped: 0, points: n, maxPoints: n });
  });
});
