// Steps of the udp service: send datagrams, read datagrams, judge them.
// Everything here waits with a deadline; nothing here knows a case id.
import { checkReply, type ReplyExpect, type ReplyObservation } from '../../check/reply.js';
import { CaseErrored, type NetError, StepFailed } from '../../errors.js';
import type { Step } from '../../spec/types.js';
import { previewBytes } from '../../text/escape.js';
import { UdpClient } from '../../transport/udp.js';
import { causedBy, unansweredCause, varsAt, type CaseContext, type Owed } from '../context.js';
import { renderExpect } from '../expect.js';
import { renderBytes } from '../payload.js';
import { clientRefs, closeNamed, fanOut, stepClient, stepTimeout, type ClientRef } from './common.js';

function udpClient(ctx: CaseContext, ref: ClientRef, named: string | undefined): Promise<UdpClient> {
  return stepClient(ctx, {
    named,
    kind: UdpClient,
    mismatch: 'is a tcp connection, not a udp socket',
    open: () => UdpClient.open(ctx.endpoint, ctx.transcript.listener(ref.label)),
  });
}

/** The next datagram that is not a late answer to an earlier message's resend. */
async function nextAnswer(client: UdpClient, owed: Owed, deadline: number, expect: ReplyExpect, timeoutMs: number) {
  for (;;) {
    const d = await client.next(deadline);
    const late =
      d &&
      owed.count > 0 &&
      owed.answers.some((a) => a.equals(d.data)) &&
      checkReply(expect, { bytes: d.data, timedOut: false, timeoutMs }) !== undefined;
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
    const owed = ctx.udp.owed.get(client) ?? { count: 0, answers: [] };
    owed.count = Math.max(0, owed.count - client.drain());
    // Resends keep a fixed schedule (the k-th at k/tries of the deadline) and all of them are made
    // when no reply comes, so a slow machine cannot change how many a report says were sent.
    while (!got && sends < tries && !client.error) {
      await client.send(payload);
      sends++;
      const slot = sends === tries ? deadline : Math.min(deadline, start + (timeoutMs * sends) / tries);
      got = await nextAnswer(client, owed, slot, expect, timeoutMs);
      // A reply queued while a late resend went out came after the deadline: it does not count.
      if (got && got.at > deadline) got = undefined;
    }
    if (got) {
      // The copies sent before this answer may each be answered later.
      owed.count += sends - 1;
      owed.answers = [...owed.answers.slice(-15), got.data];
    }
    ctx.udp.owed.set(client, owed);
    const obs: ReplyObservation = {
      bytes: got?.data ?? Buffer.alloc(0),
      timedOut: !got,
      timeoutMs,
      error: client.error,
      capped: client.capped,
      elapsedMs: got ? got.at - start : undefined,
      sends,
    };
    const failure = checkReply(expect, obs);
    if (failure)
      throw new StepFailed(
        causedBy(failure, unansweredCause({ answered: got !== undefined, timedOut: !got, error: obs.error })),
      );
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

async function burstStep(ctx: CaseContext, step: Step): Promise<void> {
  const outcomes = await Promise.all(clientRefs(ctx, step).map((ref) => udpBurst(ctx, step, ref)));
  const total = outcomes.reduce((n, o) => n + o.total, 0);
  const answered = outcomes.reduce((n, o) => n + o.answered, 0);
  if (answered === total) return;
  const bad = outcomes.find((o) => o.mismatch)?.mismatch;
  const err = outcomes.find((o) => o.error)?.error;
  if (err && answered === 0) throw new StepFailed({ message: err.message, cause: err.code });
  const why = err ? `: ${err.message}` : bad ? `; a wrong reply: ${bad.message}` : '';
  const cause = bad ? undefined : (err?.code ?? 'DEADLINE');
  throw new StepFailed({
    cause,
    message: `${answered} of ${total} messages were answered correctly within ${stepTimeout(ctx, step)} ms${why}`,
    expected: `${total} correct replies`,
    actual: bad ? `${answered} correct; e.g. got "${bad.actual}"` : `${answered} correct replies`,
  });
}

export async function runUdpStep(ctx: CaseContext, step: Step): Promise<void> {
  if (step.connect) throw new CaseErrored('"connect" is for tcp and http steps');
  if (step.close) return closeNamed(ctx, step);
  if (step.send === undefined) return;
  if (step.burst) return burstStep(ctx, step);
  return fanOut(ctx, step, 'message', (ref) => udpExchange(ctx, step, ref));
}
