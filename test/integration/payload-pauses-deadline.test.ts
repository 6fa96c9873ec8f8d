// Pauses inside a payload are waited out before the reply is read, within the step's deadline;
// pauses longer than the deadline are a spec problem (errored at once), never blamed on the
// server, and never leave a case's steps talking to the server behind the next case.
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpEcho, type RunningServer } from '../../reference/echo.js';
import { run } from '../../src/run/run.js';
import { parseSpec } from '../../src/spec/load.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const spec = parseSpec(
  `
name: pauses
title: Pauses
service: tcp
port: 1
cases:
  - id: p.long
    title: A pause longer than the deadline
    requirement: R
    tags: [core]
    exclusive: true
    steps:
      - send: ["hello ", { delayMs: 600 }, "world"]
        timeoutMs: 500
        expect: { equals: HELLO WORLD }
  - id: p.short
    title: A pause within the deadline
    requirement: R
    tags: [core]
    exclusive: true
    steps:
      - send: ["hello ", { delayMs: 100 }, "world"]
        timeoutMs: 500
        expect: { equals: HELLO WORLD }
`,
  'pauses.yaml',
);

describe('payload pauses and the deadline', () => {
  it('a step whose pauses use up its deadline is a spec problem (errored at once), not a server failure', async () => {
    server = await startTcpEcho({ port: 0 });
    const result = await run({
      specs: [spec],
      host: '127.0.0.1',
      ports: { tcp: server.port },
      selection: { tags: 'all' },
    });
    const [long, short] = result.cases;
    expect({ status: long.status, message: long.failure?.message }).toEqual({
      status: 'errored',
      message:
        "netgrade could not run this case: the pauses in this step's request add up to 600 ms, which leaves no time within its 500 ms deadline to wait for a reply; raise timeoutMs",
    });
    expect(long.durationMs).toBeLessThan(400);
    expect(short.status).toBe('passed');
  });
});
