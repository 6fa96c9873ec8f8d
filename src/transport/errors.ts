// Endpoints and socket errors as sentences; NetError (src/errors.ts) carries the stable code.
// Timeouts are split by phase (connect, first byte, whole exchange) as undici does.
import { NetError } from '../errors.js';
import type { WireKind } from '../model/result.js';

export interface Endpoint {
  host: string;
  /** The address the host resolved to. */
  address: string;
  family: 4 | 6;
  port: number;
}

export function describeEndpoint(ep: Endpoint, proto: string): string {
  const h = ep.host.includes(':') ? `[${ep.host}]` : ep.host;
  return `${h}:${ep.port}/${proto}`;
}

/** Turns a socket error into a sentence a student can act on. */
export function fromSocketError(err: NodeJS.ErrnoException, ep: Endpoint, proto: string): NetError {
  const where = describeEndpoint(ep, proto);
  switch (err.code) {
    case 'ECONNREFUSED':
      return new NetError(
        'REFUSED',
        `nothing is listening on ${where}: is your server running on that port?`,
        err.code,
      );
    case 'ECONNRESET':
    case 'EPIPE':
      return new NetError('RESET', `the server reset the connection (${where})`, err.code);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new NetError('UNREACHABLE', `${where} cannot be reached (${err.code})`, err.code);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NetError('DNS', `the host name ${ep.host} does not resolve`, err.code);
    default:
      return new NetError('OTHER', `${err.message} (${where})`, err.code);
  }
}

/** Per-event callback the runner uses to keep a transcript; transports know nothing of its format. */
export type WireListener = (e: WireEvent) => void;
export interface WireEvent {
  kind: WireKind;
  data?: Buffer;
  note?: string;
}

/** The cap on bytes kept from one exchange: a flooding server cannot exhaust memory. */
export const MAX_EXCHANGE_BYTES = 1024 * 1024;
