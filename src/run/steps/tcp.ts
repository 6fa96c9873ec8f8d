// Steps of the tcp service: send bytes, read bytes, judge them.
// Everything here waits with a deadline; nothing here knows a case id.
import { checkReply, type ReplyExpect, type ReplyObservation } from '../../check/reply.js';
import { CaseErrored, StepFailed } from '../../errors.js';
import type { Step } from '../../spec/types.js';
import type { TcpClient } from '../../transport/tcp.js';
import { causedBy, unansweredCause, type CaseContext } from '../context.js';
import { renderExpect, replyComplete } from '../expect.js';
import { renderWrites } from '../payload.js';
import { closeNamed, fanOut, SETTLE_MS, stepTimeout, tcpConnection, writeAll, type ClientRef } from './common.js';

const NOT_TCP = 'is a udp socket, not a tcp connection';

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
  const writes = renderWrites(step.send!, ref.vars);
  // The deadline is the server's time: it starts once netgrade has built what it sends.
  const deadline = Date.now() + timeoutMs;
  const client = await tcpConnection(ctx, { named: step.client, label: ref.label, deadline, mismatch: NOT_TCP });
  try {
    await writeAll(ctx, step, client, { writes, deadline, timeoutMs });
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
    if (failure)
      throw new StepFailed(
        causedBy(
          failure,
          unansweredCause({
            answered: bytes.length > 0 && !first.timedOut,
            timedOut: first.timedOut,
            error: obs.error,
          }),
        ),
      );
  } finally {
    if (!step.client) client.close();
  }
}

export async function runTcpStep(ctx: CaseContext, step: Step): Promise<void> {
  if (step.connect) {
    const name = step.client!;
    await tcpConnection(ctx, {
      named: name,
      label: name,
      deadline: Date.now() + stepTimeout(ctx, step),
      mismatch: NOT_TCP,
    });
    return;
  }
  if (step.close) return closeNamed(ctx, step);
  if (step.send === undefined) return;
  if (step.burst) throw new CaseErrored('"burst" is for udp steps');
  return fanOut(ctx, step, 'message', (ref) => tcpExchange(ctx, step, ref));
}
