// Echo servers a lazy or cheating student could hand in, each with the most core
// points it may earn (only what it truly implements) and the checks that must
// catch it. test/integration/gauntlet-echo.test.ts holds each to its bound;
// bench/gauntlet.ts prints which servers fail which check. They know nothing of
// netgrade's seed: like a student's server, they see only the bytes sent.
import {
  asciiUpper,
  startBrokenTcp,
  startBrokenUdp,
  swapCase,
  upper,
  type TcpFaults,
  type UdpFaults,
} from '../helpers/broken-echo.js';

export interface GauntletServer {
  name: string;
  /** What the server does, and so why it may earn no more than maxCorePoints. */
  why: string;
  /** The specs it is run against (built-in names). */
  specs: string[];
  /** The most core points it may earn with the default profile. */
  maxCorePoints: number;
  /** Checks that must fail against it: the ones that catch what it does wrong. */
  mustFail?: string[];
  start(): Promise<{ ports: Partial<Record<'udp' | 'tcp' | 'http', number>>; close(): Promise<void> }>;
}

const ECHO = ['udp-echo', 'tcp-echo'];

/** A UDP and a TCP server on free ports of 127.0.0.1, with the faults given (none: a correct server). */
function pair(udp: UdpFaults, tcp: TcpFaults): GauntletServer['start'] {
  return async () => {
    const [u, t] = await Promise.all([startBrokenUdp(udp), startBrokenTcp(tcp)]);
    return { ports: { udp: u.port, tcp: t.port }, close: async () => void (await Promise.all([u.close(), t.close()])) };
  };
}

/** Both services answer every sentence with `answer(sentence)`; each starts its own state. */
function answering(answer: () => (text: string) => string): GauntletServer['start'] {
  return () => pair({ reply: answer() }, { reply: answer() })();
}

/** The examples printed in the check catalogue and the protocol description. */
const EXAMPLES: Record<string, string> = {
  'hello world': 'HELLO WORLD',
  'Hello, World! 123 ~x_y': 'HELLO, WORLD! 123 ~X_Y',
  'héllo wörld straße 안녕': 'HÉLLO WÖRLD STRASSE 안녕',
};

const UTF8 = ['udp.utf8', 'tcp.utf8'];
const CORE = [
  'udp.basic',
  'udp.mixed',
  'udp.sequential',
  'udp.two-clients',
  'udp.max-size',
  'tcp.basic',
  'tcp.mixed',
  'tcp.closes',
  'tcp.sequential',
  'tcp.max-size',
];

export const ECHO_SERVERS: GauntletServer[] = [
  // Servers that do not upper-case what they receive: no check may pass.
  {
    name: 'echo unchanged',
    why: 'sends back what it received: it upper-cases nothing',
    specs: ECHO,
    maxCorePoints: 0,
    mustFail: [...CORE, ...UTF8],
    start: answering(() => (t) => t),
  },
  {
    name: 'lower-cased',
    why: 'answers with the sentence lower-cased',
    specs: ECHO,
    maxCorePoints: 0,
    mustFail: [...CORE, ...UTF8],
    start: answering(() => (t) => t.toLowerCase()),
  },
  {
    name: 'HELLO WORLD',
    why: 'answers every sentence with the constant "HELLO WORLD"',
    specs: ECHO,
    maxCorePoints: 0,
    mustFail: [...CORE, ...UTF8],
    start: answering(() => () => 'HELLO WORLD'),
  },
  {
    name: 'example table',
    why: 'looks the published example sentences up in a table and echoes anything else unchanged',
    specs: ECHO,
    maxCorePoints: 0,
    mustFail: [...CORE, ...UTF8],
    start: answering(() => (t) => EXAMPLES[t] ?? t),
  },
  {
    name: 'adds a newline',
    why: 'upper-cases, but ends every reply with "\\n": no reply is exactly the sentence upper-cased',
    specs: ECHO,
    maxCorePoints: 0,
    mustFail: [...CORE, ...UTF8],
    start: answering(() => (t) => upper(t) + '\n'),
  },
  {
    name: 'title case',
    why: 'capitalises each word (str.title()) instead of upper-casing it',
    specs: ECHO,
    maxCorePoints: 0,
    mustFail: [...CORE, ...UTF8],
    start: answering(() => (t) => t.replace(/(^|\s)(\S)/gu, (_m, sp: string, c: string) => sp + c.toUpperCase())),
  },
  {
    name: 'empty reply',
    why: 'answers every sentence with nothing (an empty datagram; a close)',
    specs: ECHO,
    maxCorePoints: 0,
    mustFail: [...CORE, ...UTF8],
    start: answering(() => () => ''),
  },
  {
    name: 'one behind',
    why: 'answers each sentence with the previous sentence it received, upper-cased (the first with nothing)',
    specs: ECHO,
    maxCorePoints: 0,
    mustFail: [...CORE, ...UTF8],
    start: answering(() => {
      let previous = '';
      return (t) => {
        const out = previous;
        previous = upper(t);
        return out;
      };
    }),
  },

  // Servers that implement part of the lab: they earn that part and fail the checks of the rest.
  {
    name: 'ASCII only',
    why: 'upper-cases a-z byte by byte: every core check, but no accented, Greek or Cyrillic letter',
    specs: ECHO,
    maxCorePoints: 10,
    mustFail: UTF8,
    start: answering(() => asciiUpper),
  },
  {
    name: 'swaps case',
    why: 'swaps the case of every letter (str.swapcase()): right for lowercase sentences only, so not the mixed ones',
    specs: ECHO,
    maxCorePoints: 8,
    mustFail: ['udp.mixed', 'tcp.mixed'],
    start: answering(() => swapCase),
  },
  {
    name: 'one reply per UDP port',
    why: 'answers every datagram from a source port with its first reply to that port: one sentence per socket',
    specs: ECHO,
    maxCorePoints: 9,
    mustFail: ['udp.sequential', 'udp.burst'],
    start: () => {
      const first = new Map<string, string>();
      return pair(
        {
          reply: (t, from) =>
            first.get(`${from.address}:${from.port}`) ??
            (first.set(`${from.address}:${from.port}`, upper(t)), upper(t)),
        },
        {},
      )();
    },
  },
  {
    name: 'close forgotten',
    why: 'the textbook TCP server without connectionSocket.close(): it replies and leaves the connection open',
    specs: ECHO,
    maxCorePoints: 9,
    mustFail: ['tcp.closes'],
    start: pair({}, { keepOpen: true }),
  },
  {
    // Shared with other clients, tcp.closes passed this server in about a quarter of runs: it runs alone now.
    name: 'close forgotten, closed by the next accept',
    why: 'the textbook server without close() in CPython: the old connection closes only when the next client is accepted',
    specs: ECHO,
    maxCorePoints: 9,
    mustFail: ['tcp.closes'],
    start: pair({}, { keepOpen: true, closeOnNextAccept: true }),
  },
  {
    name: 'small buffers',
    why: 'recvfrom(1024) for UDP and keeps 512 bytes of a TCP sentence: long sentences come back cut',
    specs: ECHO,
    maxCorePoints: 8,
    mustFail: ['udp.max-size', 'tcp.max-size'],
    start: pair({ recvBytes: 1024 }, { maxBytes: 512 }),
  },
  {
    name: 'single-threaded TCP',
    why: 'serves one TCP connection at a time, so a silent client blocks the next one (all core checks pass)',
    specs: ECHO,
    maxCorePoints: 10,
    mustFail: ['tcp.concurrent'],
    start: pair({}, { iterative: true }),
  },
  {
    name: 'one recv()',
    why: 'answers the first TCP segment without waiting for the rest of the sentence (all core checks pass)',
    specs: ECHO,
    maxCorePoints: 10,
    mustFail: ['tcp.segmented'],
    start: pair({}, { firstChunkOnly: true }),
  },
  {
    name: 'confused by an empty connection',
    why: 'after a client leaves without sending, drops the next sentence unanswered',
    specs: ECHO,
    maxCorePoints: 10,
    mustFail: ['tcp.empty'],
    start: pair({}, { afterEmpty: 'drop-next' }),
  },
  {
    name: 'confused by a reset',
    why: 'after a client resets its connection, drops the next sentence unanswered',
    specs: ECHO,
    maxCorePoints: 10,
    mustFail: ['tcp.reset'],
    start: pair({}, { afterReset: 'drop-next' }),
  },
  {
    name: 'one TCP client',
    why: 'answers its first TCP connection and closes every later one unanswered: at most the one check that connection belonged to, if it needs only one',
    specs: ECHO,
    maxCorePoints: 6,
    mustFail: ['tcp.basic', 'tcp.sequential'],
    start: () => {
      let served = 0;
      return pair({}, { reply: (t) => (served++ === 0 ? upper(t) : null) })();
    },
  },
];
