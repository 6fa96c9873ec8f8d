import type { CookieJar } from 'tough-cookie';
import type { Endpoint } from '../transport/errors.js';
import type { TcpClient } from '../transport/tcp.js';
import type { UdpClient } from '../transport/udp.js';
import { drawnVars } from '../spec/draw.js';
import type { CaseDef, Spec } from '../spec/types.js';
import type { Failure } from '../model/result.js';
import type { Transcript } from './transcript.js';

/** Everything a step needs while its case runs; one per case attempt. */
export interface CaseContext {
  spec: Spec;
  def: CaseDef;
  endpoint: Endpoint;
  /** Variables for {{...}}: spec defaults, --set values, uid, captures. */
  vars: Record<string, string>;
  transcript: Transcript;
  /** Deadline of a step that says none. */
  defaultTimeoutMs: number;
  /** Named clients that stay open across steps; closed when the case ends. */
  named: Map<string, TcpClient | UdpClient>;
  /** Every client the case opened: destroyed when the case ends, even one a step overrunning its budget still holds. */
  opened: Set<TcpClient | UdpClient>;
  /** Aborted when the run is interrupted. */
  signal: AbortSignal;
  /** The run's seed, which the spec's drawn values come from. */
  seed: number;
  /** What the udp steps of this case remember between steps. */
  udp: UdpCaseState;
  /** What the http steps of this case remember between steps. */
  http: HttpCaseState;
}

/**
 * What a named UDP socket still has coming: answers to resends of earlier messages that were
 * answered already. A server slower than a resend interval answers every copy; its late answer
 * to message 1 is not the answer to message 2 (pinned by the test "udp.sequential and resends").
 */
export interface Owed {
  count: number;
  answers: Buffer[];
}

export interface UdpCaseState {
  owed: Map<UdpClient, Owed>;
}

export interface HttpCaseState {
  /** Cookie jars by name, made on first use. */
  jars: Map<string, CookieJar>;
  /** Named connections the server closed after saying Connection: close: later steps on them are skipped. */
  closedAsAnnounced: Set<string>;
  /** Every value a capture took in the current step, by capture name, for `collect`. */
  collected: Map<string, string[]>;
}

/** The protocol state of a new case: nothing remembered yet. */
export function freshProtocolState(): Pick<CaseContext, 'udp' | 'http'> {
  return { udp: { owed: new Map() }, http: { jars: new Map(), closedAsAnnounced: new Set(), collected: new Map() } };
}

/** Variables for one client and repeat of a step: `client`, `i`, and the values drawn for them. */
export function varsAt(
  ctx: CaseContext,
  base: Record<string, string>,
  at: { client: string; i: string },
): Record<string, string> {
  const drawn = ctx.spec.draw
    ? drawnVars(ctx.spec.draw, { seed: ctx.seed, spec: ctx.spec.name, caseId: ctx.def.id }, at)
    : {};
  return { ...base, ...at, ...drawn };
}

/** A failure, with the code of the network error behind it when there was one (the scheduler reads it). */
export function causedBy(failure: Failure, error: { code: string } | undefined): Failure {
  return error ? { ...failure, cause: error.code } : failure;
}

/**
 * Why no whole answer came, as a failure cause the scheduler reads (README "How a verdict is
 * reached"): the network error's code, DEADLINE or INCOMPLETE. None when a whole answer came:
 * a wrong answer is final even if a reset followed it.
 */
export function unansweredCause(o: {
  answered: boolean;
  timedOut: boolean;
  error?: { code: string };
}): { code: string } | undefined {
  if (o.answered) return undefined;
  return { code: o.error?.code ?? (o.timedOut ? 'DEADLINE' : 'INCOMPLETE') };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
