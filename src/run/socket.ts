// Steps of the udp and tcp services: send bytes, read bytes, judge them.
// Everything here waits with a deadline; nothing here knows a case id.
import { checkReply, type ReplyExpect, type ReplyObservation } from '../check/reply.js';
import { TcpClient } from '../transport/tcp.js';
import { UdpClient } from '../transport/udp.js';
import type { Step } from '../spec/types.js';
import { causedBy, sleep, unansweredCause, varsAt, type CaseContext } from './context.js';
import { renderExpect, replyComplete } from './expect.js';
import { renderBytes, renderWrites } from './payload.js';
import { previewBytes } from '../text/escape.js';
import { NetError, CaseErrored, StepFailed } from '../errors.js';

/** After a reply looks complete, how long to wait for stray extra bytes. */
const SETTLE_MS = 100;

interface ClientRef {
  label: string;
  vars: Record<string, string>;
}

export function stepTimeout(ctx: CaseContext, step: Step): number {
  return step.timeoutMs ?? ctx.def.timeoutMs ?? ctx.defaultTimeoutMs;
}

/** Pauses that outlast the deadline leave no time for a reply: the spec's problem, not the server's. */
export function checkPauses(writes: Array<{ delayMs: number }>, timeoutMs: number): void {
  const paused = writes.reduce((n, w) => n + w.delayMs, 0);
  if (paused >= timeoutMs) throw new CaseErrored(`the pauses in this step's request add up to ${paused} ms, which leaves no time within its ${timeoutMs} ms deadline to wait for a reply; raise timeoutMs`);
}

/** The server did not take the bytes netgrade wrote before the deadline: it is not reading. */
export function notReading(bytes: number, timeoutMs: number): { message: string; cause: string } {
  return { message: `the server stopped reading: netgrade could not finish writing ${bytes} bytes within ${timeoutMs} ms`, cause: 'DEADLINE' };
}

/** Writes one piece of a request or message; a piece the server did not take is a failure, never a silent success. */
export async function writeOrFail(client: TcpClient, data: Buffer, deadline: number, timeoutMs: number): Promise<void> {
  const outcome = await client.write(data, deadline);
  if (outcome === 'timeout') throw new StepFailed(notReading(data.length, timeoutMs));
  if (outcome !== 'closed') return;
  // What the server sent before it closed says why: it answered what it had so far.
  const early = client.unread();
  const said = early.length > 0 ? `, after replying "${previewBytes(early, 80)}"` : '';
  throw new StepFailed({ message: `the server closed the connection before netgrade had sent everything (${data.length} bytes were left to send)${said}`, ...(client.error && { cause: client.error.code }) });
}

function failFrom(err: unknown): never {
  if (err instanceof NetError) throw new StepFailed({ message: err.message, cause: err.code });
  throw err;
}

// ---- UDP -------------------------------------------------------------------

async function udpClient(ctx: CaseContext, ref: ClientRef, named: string | undefined): Promise<UdpClient> {
  const existing = named ? ctx.named.get(named) : undefined;
  if (existing instanceof UdpClient) return existing;
  if (existing) throw new CaseErrored(`client "${named}" is a tcp connection, not a udp socket`);
  const client = await UdpClient.open(ctx.endpoint, ctx.transcript.listener(ref.label)).catch(failFrom);
  ctx.opened.add(client);
  if (named) ctx.named.set(named, client);
  return client;
}

/**
 * What a named UDP socket still has coming: answers to resends of earlier messages that were
 * answered already. A server slower than a resend interval (500 ms of a 2 s deadline) answers
 * every copy, and its late answer to message 1 was taken as the answer to message 2.
 */
interface Owed {
  count: number;
  answers: Buffer[];
}
const owedBy = new WeakMap<UdpClient, Owed>();

/** The next datagram that is not a late answer to an earlier message's resend. */
async function nextAnswer(client: UdpClient, owed: Owed, deadline: number, expect: ReplyExpect, timeoutMs: number) {
  for (;;) {
    const d = await client.next(deadline);
    const late = d && owed.count > 0 && owed.answers.some((a) => a.equals(d.data)) && checkReply(expect, { bytes: d.data, timedOut: false, timeoutMs }) !== undefined;
    if (!late) return d;
    owed.count--;
  }
}

/** Sends one datagram and waits for one back, resending when none comes. */
async function udpExchange(ctx: CaseContext, step: Step, ref: ClientRef): Promise<void> {
  const client = await udpClient(ctx, ref, step.client);
  try {
    const payload = renderBytes(step.send!, ref.vars);
    if (!step.expect) return void (await client.send(payload));
    const expect = renderExpect(step.expect, ref.vars);
    const timeoutMs = stepTimeout(ctx, step);
    const deadline = Date.now() + timeoutMs;
    const tries = expect.noReply ? 1 : (step.retries ?? 3) + 1;
    const start = Date.now();
    let sends = 0;
    let got: Awaited<ReturnType<UdpClient['next']>>;
    const owed = owedBy.get(client) ?? { count: 0, answers: [] };
    owed.count = Math.max(0, owed.count - client.drain());
    while (!got && sends < tries && Date.now() < deadline && !client.error) {
      await client.send(payload);
      sends++;
      const slot = sends === tries ? deadline : Math.min(deadline, Date.now() + timeoutMs / tries);
      got = await nextAnswer(client, owed, slot, expect, timeoutMs);
    }
    if (got) {
      // The copies sent before this answer may each be answered later.
      owed.count += sends - 1;
      owed.answers = [...owed.answers.slice(-15), got.data];
    }
    owedBy.set(client, owed);
    const obs: ReplyObservation = { bytes: got?.data ?? Buffer.alloc(0), timedOut: !got, timeoutMs, error: client.error, capped: client.capped, elapsedMs: got ? got.at - start : undefined, sends };
    const failure = checkReply(expect, obs);
    if (failure) throw new StepFailed(causedBy(failure, unansweredCause({ answered: got !== undefined, timedOut: !got, error: obs.error })));
  } finally {
    if (!step.client) client.close();
  }
}

interface BurstOutcome {
  total: number;
  answered: number;
  mismatch?: { expected?: string; actual: string; message: string };
  error?: NetError;
}

/** Sends every message at once, then matches replies to messages in any order. */
async function udpBurst(ctx: CaseContext, step: Step, ref: ClientRef): Promise<BurstOutcome> {
  const client = await udpClient(ctx, ref, step.client);
  try {
    const n = step.repeat ?? 1;
    const timeoutMs = stepTimeout(ctx, step);
    const deadline = Date.now() + timeoutMs;
    const pending: ReplyExpect[] = [];
    for (let i = 1; i <= n; i++) {
      const vars = varsAt(ctx, ref.vars, { client: ref.vars.client, i: String(i) });
      pending.push(renderExpect(step.expect ?? {}, vars));
      await client.send(renderBytes(step.send!, vars));
    }
    const out: BurstOutcome = { total: n, answered: 0 };
    while (pending.length > 0) {
      const d = await client.next(deadline);
      if (!d) break;
      const obs: ReplyObservation = { bytes: d.data, timedOut: false, timeoutMs };
      const k = pending.findIndex((e) => !checkReply(e, obs));
      if (k < 0) {
        // One wrong reply already fails the burst: stop rather than wait out the deadline.
        out.mismatch = { ...checkReply(pending[0], obs)!, actual: previewBytes(d.data, 512) };
        break;
      }
      pending.splice(k, 1);
      out.answered++;
    }
    if (client.error) out.error = client.error;
    return out;
  } finally {
    if (!step.client) client.close();
  }
}

// ---- TCP -------------------------------------------------------------------

async function tcpClient(ctx: CaseContext, ref: ClientRef, named: string | undefined, deadline: number): Promise<TcpClient> {
  const existing = named ? ctx.named.get(named) : undefined;
  if (existing instanceof TcpClient) return existing;
  if (existing) throw new CaseErrored(`client "${named}" is a udp socket, not a tcp connection`);
  const client = await TcpClient.connect({ endpoint: ctx.endpoint, deadline, onWire: ctx.transcript.listener(ref.label) }).catch(failFrom);
  ctx.opened.add(client);
  if (named) ctx.named.set(named, client);
  return client;
}

/** Reads a reply until it is complete by the expectation, the server closes, or the deadline. */
async function readReply(client: TcpClient, expect: ReplyExpect, deadline: number) {
  const complete = replyComplete(expect);
  const first = await client.read(deadline, complete ? (b) => complete(b) : undefined);
  let bytes = first.bytes;
  if (first.satisfied && client.peerClosedAt === undefined && expect.closedWithinMs === undefined) {
    // Extra bytes after a complete-looking reply (a stray "\n") must still count.
    const extra = await client.read(Math.min(deadline, Date.now() + SETTLE_MS));
    bytes = Buffer.concat([bytes, extra.bytes]);
  }
  // The cap or an error may come during the wait for stray bytes: report them either way.
  return { first: { ...first, capped: client.capped, error: first.error ?? client.error }, bytes };
}

async function tcpExchange(ctx: CaseContext, step: Step, ref: ClientRef): Promise<void> {
  const timeoutMs = stepTimeout(ctx, step);
  const deadline = Date.now() + timeoutMs;
  const client = await tcpClient(ctx, ref, step.client, deadline);
  try {
    const writes = renderWrites(step.send!, ref.vars);
    if (step.expect) checkPauses(writes, timeoutMs);
    for (const w of writes) {
      await sleep(w.delayMs, ctx.signal);
      await writeOrFail(client, w.data, deadline, timeoutMs);
    }
    const then = step.then ?? (step.client ? 'keep-open' : 'half-close');
    if (then === 'reset') return client.reset();
    if (then === 'close') return client.close();
    if (then === 'half-close') client.halfClose();
    if (!step.expect) return;
    const sentAt = Date.now();
    const expect = renderExpect(step.expect, ref.vars);
    const { first, bytes } = await readReply(client, expect, deadline);
    const replyEnd = first.lastByteAt ?? Date.now();
    let closedAt = client.peerClosedAt;
    if (expect.closedWithinMs !== undefined && closedAt === undefined && bytes.length > 0) {
      closedAt = await client.waitForClose(replyEnd + expect.closedWithinMs + 1);
    }
    const obs: ReplyObservation = {
      bytes,
      timedOut: first.timedOut,
      timeoutMs,
      error: first.error,
      capped: first.capped,
      elapsedMs: bytes.length > 0 ? Math.max(0, replyEnd - sentAt) : undefined,
      closedAfterMs: closedAt === undefined ? undefined : Math.max(0, closedAt - replyEnd),
      peerClosed: first.peerClosedAt !== undefined,
    };
    const failure = checkReply(expect, obs);
    // Bytes that stopped coming at the deadline are no whole answer; bytes then a close are one.
    if (failure) throw new StepFailed(causedBy(failure, unansweredCause({ answered: bytes.length > 0 && !first.timedOut, timedOut: first.timedOut, error: obs.error })));
  } finally {
    if (!step.client) client.close();
  }
}

// ---- steps -----------------------------------------------------------------

async function exchange(ctx: CaseContext, step: Step, ref: ClientRef): Promise<void> {
  if (ctx.spec.service === 'udp') return udpExchange(ctx, step, ref);
  return tcpExchange(ctx, step, ref);
}

/** One client's part of a step: one exchange, or `repeat` of them in turn. */
async function series(ctx: CaseContext, step: Step, ref: ClientRef): Promise<void> {
  const n = step.repeat ?? 1;
  for (let i = 1; i <= n; i++) {
    try {
      await exchange(ctx, step, { ...ref, vars: varsAt(ctx, ref.vars, { client: ref.vars.client, i: String(i) }) });
    } catch (err) {
      if (err instanceof StepFailed && n > 1) err.failure.message = `message ${i} of ${n}: ${err.failure.message}`;
      throw err;
    }
  }
}

function clientRefs(ctx: CaseContext, step: Step): ClientRef[] {
  const n = step.clients ?? 1;
  return Array.from({ length: n }, (_, k) => ({
    label: step.client ?? (step.clients ? `client ${k + 1}` : 'main'),
    vars: varsAt(ctx, ctx.vars, { client: String(k + 1), i: '1' }),
  }));
}

async function burstStep(ctx: CaseContext, step: Step): Promise<void> {
  if (ctx.spec.service !== 'udp') throw new CaseErrored('"burst" is for udp steps');
  const outcomes = await Promise.all(clientRefs(ctx, step).map((ref) => udpBurst(ctx, step, ref)));
  const total = outcomes.reduce((n, o) => n + o.total, 0);
  const answered = outcomes.reduce((n, o) => n + o.answered, 0);
  if (answered === total) return;
  const bad = outcomes.find((o) => o.mismatch)?.mismatch;
  const err = outcomes.find((o) => o.error)?.error;
  if (err && answered === 0) throw new StepFailed({ message: err.message, cause: err.code });
  const why = err ? `: ${err.message}` : bad ? `; a wrong reply: ${bad.message}` : '';
  const cause = bad ? undefined : (err?.code ?? 'DEADLINE');
  throw new StepFailed({ cause, message: `${answered} of ${total} messages were answered correctly within ${stepTimeout(ctx, step)} ms${why}`, expected: `${total} correct replies`, actual: bad ? `${answered} correct; e.g. got "${bad.actual}"` : `${answered} correct replies` });
}

async function namedAction(ctx: CaseContext, step: Step): Promise<void> {
  const name = step.client!;
  if (step.connect) {
    if (ctx.spec.service === 'udp') throw new CaseErrored('"connect" is for tcp and http steps');
    await tcpClient(ctx, { label: name, vars: ctx.vars }, name, Date.now() + stepTimeout(ctx, step));
    return;
  }
  const client = ctx.named.get(name);
  if (!client) throw new CaseErrored(`"close" names client "${name}", which no earlier step opened`);
  if (step.close === 'reset' && client instanceof TcpClient) client.reset();
  else client.close();
  ctx.named.delete(name);
}

export async function runSocketStep(ctx: CaseContext, step: Step): Promise<void> {
  if (step.connect || step.close) return namedAction(ctx, step);
  if (step.send === undefined) return;
  if (step.burst) return burstStep(ctx, step);
  const refs = clientRefs(ctx, step);
  const results = await Promise.allSettled(refs.map((ref) => series(ctx, step, ref)));
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed < 0) return;
  const err = (results[failed] as PromiseRejectedResult).reason;
  if (err instanceof StepFailed && refs.length > 1) err.failure.message = `${refs[failed].label}: ${err.failure.message}`;
  throw err;
}
