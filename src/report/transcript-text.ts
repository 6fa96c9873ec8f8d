import type { TranscriptEvent } from '../model/result.js';
import { isMultiLine, messageLines } from './diff.js';
import { units } from './html/markup.js';

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

/** At most `max` units of escaped data, with `…` where it was cut. */
function clip(data: string, max: number | undefined): string {
  if (max === undefined || data.length <= max) return data;
  // Split only a prefix that holds more than `max` units (one is at most 10 characters, `\u{10ffff}`):
  // splitting a whole 4 KiB event per transcript line made report building the run's memory peak.
  const head = data.length > (max + 1) * 10 ? data.slice(0, (max + 1) * 10) : data;
  const u = units(head);
  return u.length <= max ? data : `${u.slice(0, max).join('')}…`;
}

/** One transcript event as a line of plain text (its data is already escaped), the data cut to `maxData` units. */
export function eventLine(e: TranscriptEvent, maxData?: number): string {
  const t = `${String(e.t).padStart(6)} ms`;
  const arrow = ARROWS[e.kind];
  const body = arrow
    ? `${arrow} "${clip(e.data ?? '', maxData)}" (${e.bytes ?? 0} byte${e.bytes === 1 ? '' : 's'})`
    : WORDS[e.kind] + (e.note ? `: ${e.note}` : '');
  return `${t}  ${e.client.padEnd(8)} ${body}`;
}

/** The first and last events of a long transcript, with a note of what is left out. */
export function excerpt(events: TranscriptEvent[], max = 24): string[] {
  if (events.length <= max) return events.map((e) => eventLine(e));
  const head = events.slice(0, max - 6).map((e) => eventLine(e));
  const tail = events.slice(-5).map((e) => eventLine(e));
  return [...head, `          … ${events.length - head.length - tail.length} more events …`, ...tail];
}

/**
 * An event as lines: data that holds a CRLF (an HTTP message) gets a line per
 * line of the message under its arrow, so headers read as headers.
 */
export function eventLines(e: TranscriptEvent, maxData?: number): string[] {
  if (!e.data || !isMultiLine(e.data)) return [eventLine(e, maxData)];
  const head = eventLine({ ...e, data: undefined }).replace(/ "" \(/, ' (');
  return [head, ...messageLines(e.data).map((l) => `${' '.repeat(20)}${clip(l, maxData)}`)];
}

/** excerpt() with HTTP messages line by line, each line's data cut to `maxData` units. */
export function excerptLines(events: TranscriptEvent[], max = 24, maxData?: number): string[] {
  const lines = (e: TranscriptEvent) => eventLines(e, maxData);
  if (events.length <= max) return events.flatMap(lines);
  const head = events.slice(0, max - 6).flatMap(lines);
  const tail = events.slice(-5).flatMap(lines);
  return [...head, `          … ${events.length - (max - 6) - 5} more events …`, ...tail];
}
