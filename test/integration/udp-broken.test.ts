// For each udp-echo check, a server with one bug: that check fails with the
// message a student reads, and every other case still passes (docs/protocols.md#udp-echo).
import { describe, expect, it } from 'vitest';
import {
  asciiUpper,
  deadPort,
  startBrokenUdp,
  swapCase,
  upper,
  type BrokenServer,
  type Peer,
} from '../helpers/broken-echo.js';
import { drawnFor, outcomes, passedExcept, runSpec, SEED, type Outcome } from '../helpers/run-spec.js';

interface Fault {
  id: string;
  start: () => Promise<BrokenServer>;
  message: string | RegExp;
  stepLabel?: string;
}

// Faults keyed on a sentence stand in where no natural bug breaks one check only: the tests run
// with a fixed seed, so drawnFor() knows the sentence a case will send.
const basic = drawnFor('udp-echo', 'udp.basic', 's');
const mixed = drawnFor('udp-echo', 'udp.mixed', 'mixed');
const sequence = [1, 2, 3, 4, 5].map((i) => drawnFor('udp-echo', 'udp.sequential', 's', { i }));
const pair = [1, 2].map((client) => drawnFor('udp-echo', 'udp.two-clients', 's', { client }));

const FAULTS: Fault[] = [
  {
    id: 'udp.basic', // content-keyed: a newline on every reply would break every check
    start: () => startBrokenUdp({ reply: (t) => (t === basic ? upper(t) + '\n' : upper(t)) }),
    message: 'the reply has 1 extra byte at the end: "\\n"',
  },
  {
    // Each mixed sentence starts with a capital, which swapping the case turns to lowercase.
    id: 'udp.mixed',
    start: () => startBrokenUdp({ reply: swapCase }),
    message: `the reply differs only in letter case, first at character 1: "${mixed[0].toLowerCase()}" where "${mixed[0]}" was expected`,
  },
  {
    id: 'udp.sequential', // content-keyed: every sentence of the series is answered with the first one
    start: () => startBrokenUdp({ reply: (t) => upper(sequence.includes(t) ? sequence[0] : t) }),
    message: /^message 2 of 5: the reply (differs|is cut short|has \d+ extra bytes?)/,
  },
  {
    // Content-keyed: both sentences go to the address that sent client 1's, so the
    // wronged client is client 2 whatever order the two datagrams arrive in.
    id: 'udp.two-clients',
    start: () => {
      let client1: Peer | undefined;
      return startBrokenUdp({
        reply: (t, from) => {
          if (!pair.includes(t)) return upper(t);
          if (t === pair[0]) client1 = from;
          return client1 ? { to: client1, data: upper(t) } : null;
        },
      });
    },
    message: 'client 2: no reply within 2000 ms (sent 4 times)',
  },
  {
    id: 'udp.max-size',
    start: () => startBrokenUdp({ recvBytes: 1024 }),
    message: 'the reply is cut short: 1024 of 2048 bytes came',
  },
  {
    id: 'udp.utf8',
    start: () => startBrokenUdp({ reply: asciiUpper }),
    message: 'the reply differs at character 2: "é" where "É" was expected',
  },
  {
    id: 'udp.burst', // 100 datagrams at 80 ms each take 8 s
    start: () => startBrokenUdp({ delayMs: 80 }),
    message: /^\d+ of 100 messages were answered correctly within 5000 ms$/,
  },
];

describe.concurrent('udp-echo against a server with one bug', () => {
  it.for(FAULTS)('$id fails, and only $id', async ({ id, start, message, stepLabel }, { onTestFinished }) => {
    const server = await start();
    onTestFinished(() => server.close());
    const result = await runSpec('udp-echo', { udp: server.port }, { seed: SEED });
    const failure: Outcome = {
      status: 'failed',
      message: typeof message === 'string' ? message : expect.stringMatching(message),
      stepLabel: stepLabel ?? 'step 1',
    };
    expect(outcomes(result)).toEqual(passedExcept(result, { [id]: failure }));
  });

  it('every case says nothing is listening, at once, when no server runs', async () => {
    const port = await deadPort('udp');
    const result = await runSpec('udp-echo', { udp: port });
    const refused = `nothing is listening on 127.0.0.1:${port}/udp: is your server running on that port?`;
    const prefix: Record<string, string> = {
      'udp.sequential': 'message 1 of 5: ',
      'udp.two-clients': 'client 1: ',
    };
    expect(outcomes(result)).toEqual(
      Object.fromEntries(
        result.cases.map((c) => [
          c.id,
          { status: 'failed', message: (prefix[c.id] ?? '') + refused, stepLabel: 'step 1' },
        ]),
      ),
    );
    expect(result.summary.durationMs).toBeLessThan(3000);
  });
});
