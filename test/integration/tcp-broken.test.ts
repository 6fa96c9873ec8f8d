// For each tcp-echo check, a server with one bug: that check fails with the
// message a student reads, and every other case still passes (docs/protocols.md#tcp-echo).
import { describe, expect, it } from 'vitest';
import { asciiUpper, deadPort, startBrokenTcp, swapCase, upper, type BrokenServer } from '../helpers/broken-echo.js';
import { previewBytes } from '../../src/text/escape.js';
import { drawnFor, outcomes, passedExcept, runSpec, SEED, statuses, type Outcome } from '../helpers/run-spec.js';
import { loadSpecs } from '../../src/spec/load.js';

const refused = (port: number) => `nothing is listening on 127.0.0.1:${port}/tcp: is your server running on that port?`;

interface Fault {
  id: string;
  start: () => Promise<BrokenServer>;
  /** The failure message; a function gets the server's port. */
  message: string | RegExp | ((port: number) => string);
  stepLabel?: string;
}

// Faults keyed on a sentence stand in where no natural bug breaks one check only: the tests run
// with a fixed seed, so drawnFor() knows the sentence a case will send.
const basic = drawnFor('tcp-echo', 'tcp.basic', 's');
const mixed = drawnFor('tcp-echo', 'tcp.mixed', 'mixed');
const sequence = [1, 2, 3, 4, 5].map((i) => drawnFor('tcp-echo', 'tcp.sequential', 's', { i }));
const segmented = drawnFor('tcp-echo', 'tcp.segmented', 's');
const bytes = (s: string) => Buffer.byteLength(s);

const FAULTS: Fault[] = [
  {
    id: 'tcp.basic', // content-keyed: a newline on every reply would break every check
    start: () => startBrokenTcp({ reply: (t) => (t === basic ? upper(t) + '\n' : upper(t)) }),
    message: 'the reply has 1 extra byte at the end: "\\n"',
  },
  {
    // Each mixed sentence starts with a capital, which swapping the case turns to lowercase.
    id: 'tcp.mixed',
    start: () => startBrokenTcp({ reply: swapCase }),
    message: `the reply differs only in letter case, first at character 1: "${mixed[0].toLowerCase()}" where "${mixed[0]}" was expected`,
  },
  {
    id: 'tcp.closes',
    start: () => startBrokenTcp({ keepOpen: true }),
    message: 'the server did not close the connection within 1000 ms after replying',
  },
  {
    // Content-keyed: only the first connection of the series is answered, in every attempt at the case.
    id: 'tcp.sequential',
    start: () => startBrokenTcp({ reply: (t) => (sequence.includes(t) && t !== sequence[0] ? null : upper(t)) }),
    message: 'message 2 of 5: the server closed the connection without replying',
  },
  {
    id: 'tcp.max-size',
    start: () => startBrokenTcp({ maxBytes: 512 }),
    message: 'the reply is cut short: 512 of 1024 bytes came',
  },
  {
    id: 'tcp.utf8',
    start: () => startBrokenTcp({ reply: asciiUpper }),
    message: 'the reply differs at character 2: "é" where "É" was expected',
  },
  {
    id: 'tcp.concurrent',
    start: () => startBrokenTcp({ iterative: true }),
    message: 'no reply within 1500 ms',
    stepLabel: 'step 2',
  },
  {
    id: 'tcp.segmented',
    start: () => startBrokenTcp({ firstChunkOnly: true }),
    // It replies to the first piece and closes; the second piece then finds the connection gone.
    message: `the server closed the connection before netgrade had sent everything (${bytes(segmented.slice(Math.ceil(segmented.length / 2)))} bytes were left to send), after replying "${previewBytes(Buffer.from(upper(segmented.slice(0, Math.ceil(segmented.length / 2)))), 80)}"`,
  },
  {
    id: 'tcp.empty',
    start: () => startBrokenTcp({ afterEmpty: 'drop-next' }),
    message: 'the server closed the connection without replying',
    stepLabel: 'step 3',
  },
  {
    // The server stops listening; tcp.reset is exclusive and last in the spec, so it runs last.
    id: 'tcp.reset',
    start: () => startBrokenTcp({ afterReset: 'crash' }),
    message: refused,
    stepLabel: 'step 4',
  },
];

describe.concurrent('tcp-echo against a server with one bug', () => {
  it.for(FAULTS)('$id fails, and only $id', async ({ id, start, message, stepLabel }, { onTestFinished }) => {
    const server = await start();
    onTestFinished(() => server.close());
    const result = await runSpec('tcp-echo', { tcp: server.port }, { seed: SEED });
    const text = typeof message === 'function' ? message(server.port) : message;
    const failure: Outcome = {
      status: 'failed',
      message: typeof text === 'string' ? text : expect.stringMatching(text),
      stepLabel: stepLabel ?? 'step 1',
    };
    expect(outcomes(result)).toEqual(passedExcept(result, { [id]: failure }));
  });

  it('every case fails plainly, and soon, when the server accepts and never answers', async ({ onTestFinished }) => {
    const server = await startBrokenTcp({ mode: 'silent' });
    onTestFinished(() => server.close());
    const result = await runSpec('tcp-echo', { tcp: server.port });
    // Exclusive cases are not run alone against a service that answered nothing: they fail at once, saying why.
    const exclusive = new Set(
      loadSpecs(['tcp-echo'])[0]
        .cases.filter((c) => c.exclusive)
        .map((c) => c.id),
    );
    const notRun: Outcome = {
      status: 'failed',
      message:
        'not run: the server answered none of the other tcp checks (no reply within 2000 ms), so this one cannot pass',
      stepLabel: undefined,
    };
    const want = (id: string): Outcome =>
      exclusive.has(id) ? notRun : { status: 'failed', message: 'no reply within 2000 ms', stepLabel: 'step 1' };
    expect(outcomes(result)).toEqual(Object.fromEntries(result.cases.map((c) => [c.id, want(c.id)])));
    expect(result.summary.durationMs).toBeLessThan(4_000);
  });

  it('every case says nothing is listening, at once, when no server runs', async () => {
    const port = await deadPort('tcp');
    const result = await runSpec('tcp-echo', { tcp: port });
    const want = (id: string): Outcome => ({
      status: 'failed',
      message: (id === 'tcp.sequential' ? 'message 1 of 5: ' : '') + refused(port),
      stepLabel: 'step 1',
    });
    expect(outcomes(result)).toEqual(Object.fromEntries(result.cases.map((c) => [c.id, want(c.id)])));
    expect(result.summary.durationMs).toBeLessThan(3000);
  });

  it('a server that floods fails every case, and the run still ends', async ({ onTestFinished }) => {
    const server = await startBrokenTcp({ mode: 'flood' });
    onTestFinished(() => server.close());
    const result = await runSpec('tcp-echo', { tcp: server.port });
    expect(statuses(result)).toEqual(Object.fromEntries(result.cases.map((c) => [c.id, 'failed'])));
    expect(result.summary.durationMs).toBeLessThan(10_000);
  });

  // The cap is usually hit while netgrade waits for stray bytes after a complete-looking reply:
  // the student must still read that netgrade stopped at 1 MiB, not a byte-by-byte difference.
  it('a server that floods: tcp.basic says netgrade stopped reading at 1 MiB', async ({ onTestFinished }) => {
    const server = await startBrokenTcp({ mode: 'flood' });
    onTestFinished(() => server.close());
    const result = await runSpec(
      'tcp-echo',
      { tcp: server.port },
      { selection: { tags: 'all', grep: /^tcp\.basic$/ } },
    );
    expect(outcomes(result)['tcp.basic']).toEqual({
      status: 'failed',
      message: 'the server sent more than 1 MiB in reply; netgrade stopped reading',
      stepLabel: 'step 1',
    });
  });
});
