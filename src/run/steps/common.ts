// What every service's steps share: the deadline, finding or opening the step's client,
// the write loop, and fanning a step out over `clients` at once and `repeat` in turn.
import { CaseErrored, NetError, StepFailed } from '../../errors.js';
import type { Step } from '../../spec/types.js';
import { previewBytes } from '../../text/escape.js';
import { TcpClient } from '../../transport/tcp.js';
import type { UdpClient } from '../../transport/udp.js';
import { sleep, varsAt, type CaseContext } from '../context.js';
import type { Write } from '../payload.js';

/** After a reply looks complete, how long to wait for stray extra bytes (or the close). */
export const SETTLE_MS = 100;

/** One client of a step: its transcript label and its variables. */
export interface ClientRef {
  label: string;
  vars: Record<string, string>;
}

export function stepTimeout(ctx: CaseContext, step: Step): number {
  return step.timeoutMs ?? ctx.def.timeoutMs ?? ctx.defaultTimeoutMs;
}

/** A network error while connecting is the server's failure, with its code as the cause. */
export function failFrom(err: unknown): never {
  if (err instanceof NetError) throw new StepFailed({ message: err.message, cause: err.code });
  throw err;
}

/**
 * The step's client: the named one an earlier step opened, or a new one (named when the step
 * names it). `mismatch` ends the sentence when the name belongs to a client of the other kind.
 */
export async function stepClient<C extends TcpClient | UdpClient>(
  ctx: CaseContext,
  // The clients' constructors are private, so to instanceof they are only a Function.
  // biome-ignore lint/complexity/noBannedTypes: see above
  o: { named: string | undefined; kind: Function & { prototype: C }; mismatch: string; open: () => Promise<C> },
): Promise<C> {
  const existing = o.named ? ctx.named.get(o.named) : undefined;
  if (existing instanceof o.kind) return existing as C;
  if (existing) throw new CaseErrored(`client "${o.named}" ${o.mismatch}`);
  const client = await o.open().catch(failFrom);
  if (ctx.signal.aborted) {
    // The case ended (discarded, cut off, interrupted) while this client connected: its sockets were closed already.
    if (client instanceof TcpClient) client.destroy();
    else client.close();
    throw new CaseErrored('the case ended while this step was connecting');
  }
  ctx.opened.add(client);
  if (o.named) ctx.named.set(o.named, client);
  return client;
}

/** The step's tcp connection: a named one an earlier step opened, or a new one. */
export function tcpConnection(
  ctx: CaseContext,
  o: { named: string | undefined; label: string; deadline: number; mismatch: string },
): Promise<TcpClient> {
  const open = () =>
    TcpClient.connect({ endpoint: ctx.endpoint, deadline: o.deadline, onWire: ctx.transcript.listener(o.label) });
  return stepClient(ctx, { named: o.named, kind: TcpClient, mismatch: o.mismatch, open });
}

/** A `close` step: closes (or resets) a named client an earlier step opened. */
export function closeNamed(ctx: CaseContext, step: Step): void {
  const name = step.client!;
  const client = ctx.named.get(name);
  if (!client) throw new CaseErrored(`"close" names client "${name}", which no earlier step opened`);
  if (step.close === 'reset' && client instanceof TcpClient) client.reset();
  else client.close();
  ctx.named.delete(name);
}

/** Pauses that outlast the deadline leave no time for a reply: the spec's problem, not the server's. */
function checkPauses(writes: Array<{ delayMs: number }>, timeoutMs: number): void {
  const paused = writes.reduce((n, w) => n + w.delayMs, 0);
  if (paused >= timeoutMs)
    throw new CaseErrored(
      `the pauses in this step's request add up to ${paused} ms, which leaves no time within its ${timeoutMs} ms ` +
        `deadline to wait for a reply; raise timeoutMs`,
    );
}

/** Writes one piece of a request or message; a piece the server did not take is a failure, never a silent success. */
async function writeOrFail(client: TcpClient, data: Buffer, deadline: number, timeoutMs: number): Promise<void> {
  const outcome = await client.write(data, deadline);
  if (outcome === 'timeout')
    throw new StepFailed({
      message:
        `the server stopped reading: netgrade could not finish writing ${data.length} bytes within ` +
        `${timeoutMs} ms`,
      cause: 'DEADLINE',
    });
  if (outcome !== 'closed') return;
  // What the server sent before it closed says why: it answered what it had so far.
  const early = client.unread();
  const said = early.length > 0 ? `, after replying "${previewBytes(early, 80)}"` : '';
  throw new StepFailed({
    message:
      `the server closed the connection before netgrade had sent everything (${data.length} bytes were left ` +
      `to send)${said}`,
    ...(client.error && { cause: client.error.code }),
  });
}

/** Writes a step's pieces with their pauses; `beforePiece` may fail the step between pieces. */
export async function writeAll(
  ctx: CaseContext,
  step: Step,
  client: TcpClient,
  o: { writes: Write[]; deadline: number; timeoutMs: number; beforePiece?: (k: number) => void },
): Promise<void> {
  if (step.expect) checkPauses(o.writes, o.timeoutMs);
  for (const [k, w] of o.writes.entries()) {
    await sleep(w.delayMs, ctx.signal);
    if (k > 0) o.beforePiece?.(k);
    await writeOrFail(client, w.data, o.deadline, o.timeoutMs);
  }
}

/** The step's clients: one, or `clients` of them, each with the values drawn for it. */
export function clientRefs(ctx: CaseContext, step: Step): ClientRef[] {
  const n = step.clients ?? 1;
  return Array.from({ length: n }, (_, k) => ({
    label: step.client ?? (step.clients ? `client ${k + 1}` : 'main'),
    vars: varsAt(ctx, ctx.vars, { client: String(k + 1), i: '1' }),
  }));
}

/**
 * Runs `exchange` for each client at once and `repeat` times in turn for each; the first
 * client's failure (by number) fails the step, its message saying which client and which `noun`.
 * Each exchange's variables are read when it starts: an http capture feeds the next request.
 */
export async function fanOut(
  ctx: CaseContext,
  step: Step,
  noun: string,
  exchange: (ref: ClientRef) => Promise<void>,
): Promise<void> {
  const refs = clientRefs(ctx, step);
  const n = step.repeat ?? 1;
  const series = async (ref: ClientRef) => {
    for (let i = 1; i <= n; i++) {
      try {
        await exchange({ ...ref, vars: varsAt(ctx, ctx.vars, { client: ref.vars.client, i: String(i) }) });
      } catch (err) {
        if (err instanceof StepFailed && n > 1) err.failure.message = `${noun} ${i} of ${n}: ${err.failure.message}`;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(refs.map(series));
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed < 0) return;
  const err = (results[failed] as PromiseRejectedResult).reason;
  if (err instanceof StepFailed && refs.length > 1)
    err.failure.message = `${refs[failed].label}: ${err.failure.message}`;
  throw err;
}
