import type { TranscriptEvent } from '../run/result.js';
import { isMultiLine, messageLines } from './diff.js';

const ARROWS: Partial<Record<TranscriptEvent['kind'], string>> = { send: '→', recv: '←' };
const WORDS: Record<TranscriptEvent['kind'], string> = {
  connect: 'connected',
  send: 'sent',
  recv: 'received',
  'half-close': 'netgrade half-closed (FIN)',
  close: 'netgrade closed',
  reset: 'netgrade reset (RST)',
  'peer-close': 'server closed (FIN)',
  'peer-reset': 'server reset the connection',
  timeout: 'timed out',
  error: 'error',
};

/** One transcript event as a line of plain text (its data is already escaped). */
export function eventLine(e: TranscriptEvent): string {
  const t = `${String(e.t).padStart(6)} ms`;
  const arrow = ARROWS[e.kind];
  const body = arrow ? `${arrow} "${e.data ?? ''}" (${e.bytes ?? 0} byte${e.bytes === 1 ? '' : 's'})` : WORDS[e.kind] + (e.note ? `: ${e.note}` : '');
  return `${t}  ${e.client.padEnd(8)} ${body}`;
}

/** The first and last events of a long transcript, with a note of what is left out. */
export function excerpt(events: TranscriptEvent[], max = 24): string[] {
  if (events.length <= max) return events.map(eventLine);
  const head = events.slice(0, max - 6).map(eventLine);
  const tail = events.slice(-5).map(eventLine);
  return [...head, `          … ${events.length - head.length - tail.length} more events …`, ...tail];
}

/**
 * An event as lines: data that holds a CRLF (an HTTP message) gets a line per
 * line of the message under its arrow, so headers read as headers.
 */
export function eventLines(e: TranscriptEvent): string[] {
  if (!e.data || !isMultiLine(e.data)) return [eventLine(e)];
  const head = eventLine({ ...e, data: undefined }).replace(/ "" \(/, ' (');
  return [head, ...messageLines(e.data).map((l) => `${' '.repeat(20)}${l}`)];
}

/** excerpt() with HTTP messages line by line. */
export function excerptLines(events: TranscriptEvent[], max = 24): string[] {
  if (events.length <= max) return events.flatMap(eventLines);
  const head = events.slice(0, max - 6).flatMap(eventLines);
  const tail = events.slice(-5).flatMap(eventLines);
  return [...head, `          … ${events.length - (max - 6) - 5} more events …`, ...tail];
}
