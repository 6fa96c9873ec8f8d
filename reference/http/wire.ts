// Response bytes: status line, header block and body (RFC 9112 §4, §2.1).
import { formatHttpDate } from './date.js';

/** What a route answers; the connection layer adds Date, framing and Connection. */
export interface HttpResponse {
  status: number;
  /** Extra header fields, written in this order after Date, Content-Type and Content-Length. */
  headers?: Array<[name: string, value: string]>;
  /** text/plain; charset=utf-8. Not sent for 304 and HEAD. */
  body?: string;
}

export interface WriteOptions {
  /** The request was HEAD: same header block as GET, no content (RFC 9110 §9.3.2). */
  head: boolean;
  /** Connection header to send, if any (RFC 9112 §9.6, §9.3). */
  connection?: 'close' | 'keep-alive';
  nowMs: number;
}

const REASONS: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  304: 'Not Modified',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  505: 'HTTP Version Not Supported',
};

/** RFC 9110 §15.2: an interim response, sent before the client sends a body it asked about. */
export const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');

/** The whole response as one buffer, so that a client reading once sees all of it. */
export function serializeResponse(res: HttpResponse, opts: WriteOptions): Buffer {
  const body = Buffer.from(res.body ?? '', 'utf8');
  // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
  const lines = [`HTTP/1.1 ${res.status} ${REASONS[res.status] ?? 'Unknown'}`, `Date: ${formatHttpDate(opts.nowMs)}`];
  // RFC 9110 §15.4.5: a 304 has no content; we leave out the framing fields rather than repeat them.
  const hasContent = res.status !== 304;
  if (hasContent) {
    lines.push('Content-Type: text/plain; charset=utf-8', `Content-Length: ${body.length}`);
  }
  for (const [name, value] of res.headers ?? []) lines.push(`${name}: ${value}`);
  if (opts.connection) lines.push(`Connection: ${opts.connection}`);
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  return hasContent && !opts.head ? Buffer.concat([head, body]) : head;
}

/** A plain-text answer whose body is one line. */
export function textResponse(status: number, message: string, headers?: HttpResponse['headers']): HttpResponse {
  return { status, body: `${message}\n`, headers };
}
