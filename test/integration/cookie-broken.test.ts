// For each cookies check, a server with one bug: that check fails with the message a
// student reads, and every other case still passes (docs/protocols.md#cookies). The
// broken servers are in test/helpers/cookie-faults.ts.
import { describe, expect, it } from 'vitest';
import { loadSpecs } from '../../src/spec/load.js';
import { asOutcomes, failed, runHttpSpec, startBrokenHttp } from '../helpers/broken-cond.js';
import { COOKIE_FAULTS as FAULTS } from '../helpers/cookie-faults.js';
import { outcomes, passedExcept } from '../helpers/run-spec.js';

const SPEC = loadSpecs(['cookies'])[0];

describe.concurrent('cookies against broken servers', () => {
  it('has a fault for every check of the spec', () => {
    expect([...new Set(FAULTS.map((f) => f.id))].sort()).toEqual(SPEC.cases.map((c) => c.id).sort());
  });

  it.for(FAULTS)('$id fails on $bug', async (f, { onTestFinished }) => {
    const server = await startBrokenHttp(f.faults());
    onTestFinished(() => server.close());
    const result = await runHttpSpec('cookies', server.port, f.run);
    expect(outcomes(result)).toEqual(
      passedExcept(
        result,
        asOutcomes({ ...f.alsoFails, [f.id]: failed(f.message, f.stepLabel) }, (re) => expect.stringMatching(re)),
      ),
    );
  });
});
