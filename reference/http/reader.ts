// Splits a connection's byte stream into requests: a head up to the empty line, then a body
// framed per RFC 9112 §6.3. Handles requests that arrive in pieces and several pipelined ones.
import { ByteQueue } from './bytes.js';
import { ChunkedDecoder } from './chunked.js';
import { headerTokens, isHopeless, parseHead, type HttpRequest, type RequestHead } from './request.js';

export interface ReaderLimits {
  /** Longest head, request-line and header fields included (431 beyond). */
  maxHead: number;
  /** Longest body, after chunked decoding (413 beyond). */
  maxBody: number;
}

export type ReadResult =
  /** A whole request; more may follow in the buffer. */
  | { kind: 'request'; request: HttpRequest }
  /** Need more bytes. `sendContinue` is true once per request that asked for 100-continue. */
  | { kind: 'incomplete'; sendContinue: boolean }
  /** The stream cannot be read further: answer `status` and close the connection. */
  | { kind: 'error'; status: number; message: string };

type Framing = { kind: 'length'; length: number } | { kind: 'chunked'; decoder: ChunkedDecoder };
type Pending = { head: RequestHead; framing: Framing; continueSent: boolean };

const LF = 0x0a;
const CR = 0x0d;

export class RequestReader {
  private readonly queue = new ByteQueue();
  private pending?: Pending;
  /** Where the search for the end of the head resumes. */
  private scanFrom = 0;

  constructor(private readonly limits: ReaderLimits) {}

  push(data: Buffer): void {
    this.queue.append(data);
  }

  /** True while part of a request has arrived (an idle close then deserves a 408). */
  get midRequest(): boolean {
    return this.pending !== undefined || this.queue.length > 0;
  }

  next(): ReadResult {
    if (!this.pending) {
      const started = this.readHead();
      if (started.kind !== 'request') return started;
    }
    return this.readBody(this.pending!);
  }

  /** Reads the head into `this.pending`; reports 'request' when it did. */
  private readHead(): ReadResult | { kind: 'request' } {
    this.skipEmptyLines();
    const data = this.queue.view();
    const end = findHeadEnd(data, this.scanFrom);
    if (end < 0) {
      this.scanFrom = Math.max(0, data.length - 3);
      if (data.length > this.limits.maxHead) return { kind: 'error', status: 431, message: 'request head too large' };
      if (isHopeless(data.toString('latin1', 0, Math.min(data.length, 8192))))
        return badRequest('malformed request-line');
      return { kind: 'incomplete', sendContinue: false };
    }
    if (end > this.limits.maxHead) return { kind: 'error', status: 431, message: 'request head too large' };
    const head = parseHead(data.toString('latin1', 0, end).replace(/\r?\n\r?\n$/, ''));
    this.queue.consume(end);
    this.scanFrom = 0;
    if ('kind' in head) return head;
    const framing = this.framing(head);
    if (framing.kind === 'error') return framing;
    this.pending = { head, framing, continueSent: false };
    return { kind: 'request' };
  }

  // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line.
  private skipEmptyLines(): void {
    const data = this.queue.view();
    let i = 0;
    while (i < data.length && (data[i] === CR || data[i] === LF)) i++;
    if (i > 0) this.queue.consume(i);
  }

  // RFC 9112 §6.3: how long is the body?
  private framing(head: RequestHead): Framing | { kind: 'error'; status: number; message: string } {
    const te = head.headers.get('transfer-encoding');
    const cl = head.headers.get('content-length');
    if (te) {
      // §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing; §6.3 step 3: with Content-Length
      // too it smells of request smuggling. We reject both rather than guess.
      if (head.minorVersion === 0) return badRequest('Transfer-Encoding in an HTTP/1.0 request');
      if (cl) return badRequest('both Transfer-Encoding and Content-Length');
      const codings = headerTokens(head, 'transfer-encoding');
      // §6.3 step 4: chunked must be the final coding, else 400 and close.
      if (codings[codings.length - 1] !== 'chunked') return badRequest('chunked is not the final transfer coding');
      // §6.1: a coding we do not understand gets 501.
      if (codings.length > 1)
        return { kind: 'error', status: 501, message: `transfer coding ${codings[0]} not implemented` };
      return {
        kind: 'chunked',
        decoder: new ChunkedDecoder({ maxBody: this.limits.maxBody, maxLine: this.limits.maxHead }),
      };
    }
    if (!cl) return { kind: 'length', length: 0 }; // §6.3 step 6: a request without either has no body
    // §6.3 step 5: a list of identical values is one value; anything else is invalid.
    const values = new Set(cl.flatMap((v) => v.split(',')).map((v) => v.trim()));
    const [only] = values;
    if (values.size !== 1 || !/^\d+$/.test(only)) return badRequest('invalid Content-Length');
    const length = Number(only);
    if (length > this.limits.maxBody) return { kind: 'error', status: 413, message: 'body too large' };
    return { kind: 'length', length };
  }

  private readBody(pending: Pending): ReadResult {
    const { framing } = pending;
    const data = this.queue.view();
    if (framing.kind === 'length' && data.length >= framing.length) {
      return this.complete(Buffer.from(data.subarray(0, framing.length)), framing.length);
    }
    if (framing.kind === 'chunked') {
      const result = framing.decoder.decode(data);
      if (result.kind === 'error') return result;
      if (result.kind === 'done') return this.complete(result.body, result.consumed);
    }
    // RFC 9110 §10.1.1: answer 100-continue before the client sends the body it asked about.
    const expects = headerTokens(pending.head, 'expect').includes('100-continue');
    const sendContinue = expects && pending.head.minorVersion === 1 && !pending.continueSent && data.length === 0;
    pending.continueSent ||= sendContinue;
    return { kind: 'incomplete', sendContinue };
  }

  private complete(body: Buffer, consumed: number): ReadResult {
    const request = { ...this.pending!.head, body };
    this.queue.consume(consumed);
    this.pending = undefined;
    return { kind: 'request', request };
  }
}

/** Offset just after the empty line ending the head (CRLF CRLF, or bare LFs), or -1. */
function findHeadEnd(data: Buffer, from: number): number {
  for (let lf = data.indexOf(LF, from); lf >= 0; lf = data.indexOf(LF, lf + 1)) {
    if (data[lf + 1] === LF) return lf + 2;
    if (data[lf + 1] === CR && data[lf + 2] === LF) return lf + 3;
  }
  return -1;
}

function badRequest(message: string): { kind: 'error'; status: 400; message: string } {
  return { kind: 'error', status: 400, message };
}
