// A case's transcript as a sequence diagram in inline SVG: a lane per client
// and one for the server, an arrow per message with its time and bytes, and
// connection events as marks on the lane where they happened. One event per
// row, in order: times are printed, not scaled, so bursts stay readable.
import type { TranscriptEvent } from '../../model/result.js';
import { cells, cut, html, type Html } from './markup.js';

export interface DiagramOptions {
  /** What the server lane is called under its box, e.g. `127.0.0.1:12000`. */
  server: string;
  /** Rows drawn before the middle of a long transcript is left out. */
  maxRows?: number;
}

/** Characters of data shown on an arrow; the rest is in its tooltip. */
export const LABEL_CHARS = 80;
const TOOLTIP_CHARS = 1000;
const CHAR_W = 7.3; // 12px monospace
const TIME_X = 58; // right edge of the time column
const FIRST_LANE_X = 118;
const LANE_GAP = 120;
const TOP = 70;
const MESSAGE_H = 40;
const MARK_H = 28;
const BOX_W = 100;

type Where = number | 'server' | 'none';

interface MarkStyle {
  /** Glyph drawn on the lane. */
  glyph: 'dot' | 'bar' | 'square' | 'cross' | 'clock' | 'bang';
  cls: string;
  side: 'client' | 'server';
  words: string;
}

const MARKS: Record<Exclude<TranscriptEvent['kind'], 'send' | 'recv'>, MarkStyle> = {
  connect: { glyph: 'dot', cls: 'ok', side: 'client', words: 'connected' },
  'half-close': { glyph: 'bar', cls: 'fin', side: 'client', words: 'FIN: netgrade is done sending (half-close)' },
  close: { glyph: 'square', cls: 'fin', side: 'client', words: 'netgrade closed the connection' },
  reset: { glyph: 'cross', cls: 'bad', side: 'client', words: 'RST: netgrade reset the connection' },
  'peer-close': { glyph: 'bar', cls: 'fin', side: 'server', words: 'FIN: the server closed the connection' },
  'peer-reset': { glyph: 'cross', cls: 'bad', side: 'server', words: 'RST: the server reset the connection' },
  timeout: { glyph: 'clock', cls: 'warn', side: 'client', words: 'timed out waiting' },
  error: { glyph: 'bang', cls: 'bad', side: 'client', words: 'error' },
};

/** How a connection event is drawn; a send or recv without a lane reads as an error note. */
function markStyle(e: TranscriptEvent): MarkStyle {
  return e.kind === 'send' || e.kind === 'recv' ? MARKS.error : MARKS[e.kind];
}

type Row =
  | { type: 'message'; e: TranscriptEvent; lane: number }
  | { type: 'mark'; e: TranscriptEvent; where: Where }
  | { type: 'gap'; text: string };

/** Client lanes in order of first appearance; `netgrade` notes (events not kept) get no lane. */
export function lanesOf(events: TranscriptEvent[]): string[] {
  const lanes: string[] = [];
  for (const e of events) {
    if (e.client === 'netgrade' && e.kind === 'error') continue;
    if (!lanes.includes(e.client)) lanes.push(e.client);
  }
  return lanes;
}

function rowsOf(events: TranscriptEvent[], lanes: string[], maxRows: number): Row[] {
  const row = (e: TranscriptEvent): Row => {
    const lane = lanes.indexOf(e.client);
    if ((e.kind === 'send' || e.kind === 'recv') && lane >= 0) return { type: 'message', e, lane };
    if (lane < 0) return { type: 'mark', e, where: 'none' };
    return { type: 'mark', e, where: markStyle(e).side === 'client' ? lane : 'server' };
  };
  if (events.length === 0) return [{ type: 'gap', text: 'nothing went over the wire: no connection, no bytes' }];
  if (events.length <= maxRows) return events.map(row);
  const tail = Math.min(12, Math.floor(maxRows / 4));
  const head = maxRows - tail;
  return [
    ...events.slice(0, head).map(row),
    {
      type: 'gap',
      text: `… ${plural(events.length - head - tail, 'more event')} not drawn (see the transcript as text) …`,
    },
    ...events.slice(-tail).map(row),
  ];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The text on an arrow: the data in quotes, cut to LABEL_CHARS. */
function messageLabel(e: TranscriptEvent): { quoted: string; size: string; tooltip: string } {
  const data = e.data ?? '';
  const shown = cut(data, LABEL_CHARS);
  const full = cut(data, TOOLTIP_CHARS);
  const verb = e.kind === 'send' ? `${e.client} sent` : `${e.client} received`;
  return {
    quoted: `"${shown.text}${shown.cut ? '…' : ''}"`,
    size: plural(e.bytes ?? 0, 'byte'),
    tooltip: `${verb} ${plural(e.bytes ?? 0, 'byte')} at ${e.t} ms:\n"${full.text}${full.cut ? '…' : ''}"`,
  };
}

function markWords(e: TranscriptEvent, lanes: string[]): string {
  const words =
    e.kind === 'send' || e.kind === 'recv' ? `${e.kind} ${plural(e.bytes ?? 0, 'byte')}` : MARKS[e.kind].words;
  const who = lanes.length > 1 || !lanes.includes(e.client) ? `${e.client}: ` : '';
  return `${who}${words}${e.note ? `: ${e.note}` : ''}`;
}

/** A mark's words as drawn: a long error note is cut, the tooltip has it whole. */
function shortWords(e: TranscriptEvent, lanes: string[]): string {
  const c = cut(markWords(e, lanes), LABEL_CHARS + 10);
  return c.cut ? `${c.text}…` : c.text;
}

function glyph(kind: MarkStyle['glyph'], x: number, y: number): Html {
  switch (kind) {
    case 'dot':
      return html`<circle cx="${x}" cy="${y}" r="5"/>`;
    case 'bar': {
      const d = `M${x - 9} ${y}H${x + 9}M${x - 9} ${y - 5}V${y + 5}M${x + 9} ${y - 5}V${y + 5}`;
      return html`<path d="${d}" fill="none"/>`;
    }
    case 'square':
      return html`<rect x="${x - 5}" y="${y - 5}" width="10" height="10"/>`;
    case 'cross':
      return html`<path d="M${x - 6} ${y - 6}L${x + 6} ${y + 6}M${x + 6} ${y - 6}L${x - 6} ${y + 6}" fill="none"/>`;
    case 'clock':
      return html`<circle cx="${x}" cy="${y}" r="7" fill="#fff"/><path d="M${x} ${y - 4}V${y}H${x + 3}" fill="none"/>`;
    case 'bang':
      return html`<path d="M${x} ${y - 8}L${x + 8} ${y + 6}H${x - 8}Z"/>`;
  }
}

/** A sequence diagram of a transcript, sized to its lanes and its longest label. */
export function sequenceDiagram(events: TranscriptEvent[], opts: DiagramOptions): Html {
  const lanes = lanesOf(events);
  if (lanes.length === 0) lanes.push('main');
  const rows = rowsOf(events, lanes, opts.maxRows ?? 80);
  const laneX = lanes.map((_, i) => FIRST_LANE_X + i * LANE_GAP);
  const gapStart = laneX[laneX.length - 1];

  const labelCells = rows.map((r) => {
    if (r.type === 'message') {
      const l = messageLabel(r.e);
      return cells(l.quoted) + l.size.length + 2;
    }
    return r.type === 'mark' ? cells(shortWords(r.e, lanes)) : cells(r.text) - 20;
  });
  const gapW = Math.round(
    Math.min(Math.max(Math.max(0, ...labelCells) * CHAR_W + 48, 320), (LABEL_CHARS + 20) * CHAR_W),
  );
  const serverX = gapStart + gapW;
  const width = Math.ceil(serverX + BOX_W / 2 + 40);

  let y = TOP;
  const drawn: Html[] = [];
  for (const r of rows) {
    if (r.type === 'gap') {
      drawn.push(
        html`<text class="gap" x="${(FIRST_LANE_X + serverX) / 2}" y="${y + 18}" text-anchor="middle">${r.text}</text>`,
      );
      y += MARK_H;
      continue;
    }
    const time = (ty: number) =>
      html`<text class="time" x="${TIME_X}" y="${ty + 4}" text-anchor="end">${r.e.t} ms</text>`;
    if (r.type === 'message') {
      const ay = y + 28;
      const l = messageLabel(r.e);
      const [from, to] = r.e.kind === 'send' ? [laneX[r.lane], serverX] : [serverX, laneX[r.lane]];
      const dir = Math.sign(to - from);
      const tip = to - dir * 2;
      const d = `M${from} ${ay}L${tip} ${ay}M${tip - dir * 10} ${ay - 5}L${tip} ${ay}L${tip - dir * 10} ${ay + 5}Z`;
      const size = html`<tspan class="size" dx="8">${l.size}</tspan>`;
      const data = html`<text class="data" x="${gapStart + 14}" y="${ay - 8}">${l.quoted}${size}</text>`;
      const arrow = html`<path class="arrow ${r.e.kind}" d="${d}"/>`;
      drawn.push(html`<g class="msg ${r.e.kind}"><title>${l.tooltip}</title>${time(ay)}${arrow}${data}</g>`);
      y += MESSAGE_H;
      continue;
    }
    const my = y + 14;
    const style = markStyle(r.e);
    const words = markWords(r.e, lanes);
    const short = shortWords(r.e, lanes);
    const x = r.where === 'server' ? serverX : r.where === 'none' ? (FIRST_LANE_X + serverX) / 2 : laneX[r.where];
    const label =
      r.where === 'server'
        ? html`<text class="note" x="${serverX - 16}" y="${my + 4}" text-anchor="end">${short}</text>`
        : r.where === 'none'
          ? html`<text class="note" x="${x}" y="${my + 4}" text-anchor="middle">${short}</text>`
          : html`<text class="note" x="${gapStart + 14}" y="${my + 4}">${short}</text>`;
    const leader =
      typeof r.where === 'number' && x < gapStart
        ? html`<path class="leader" d="M${x + 8} ${my}H${gapStart + 8}"/>`
        : false;
    const shape = r.where === 'none' ? false : glyph(style.glyph, x, my);
    drawn.push(
      html`<g class="mark ${style.cls}"><title>${r.e.t} ms: ${words}</title>${time(my)}${leader}${shape}${label}</g>`,
    );
    y += MARK_H;
  }
  const height = y + 16;

  const box = (x: number, label: string, cls: string, tooltip: string) => {
    const shown = cut(label, 12);
    const rect = html`<rect x="${x - BOX_W / 2}" y="8" width="${BOX_W}" height="28" rx="6"/>`;
    const text = html`<text x="${x}" y="27" text-anchor="middle">${shown.text}${shown.cut ? '…' : ''}</text>`;
    return html`<g class="lane-head ${cls}"><title>${tooltip}</title>${rect}${text}</g>`;
  };
  const laneLine = (x: number) => html`<path class="lane" d="M${x} 36V${height - 6}"/>`;

  const size = html`width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"`;
  const label = html`Sequence diagram: ${plural(events.length, 'event')} between ${lanes.join(', ')} and the server`;
  const svg = html`<svg class="seq" xmlns="http://www.w3.org/2000/svg" ${size} role="img" aria-label="${label}">`;
  const frame = [
    ...laneX.map(laneLine),
    laneLine(serverX),
    ...lanes.map((c, i) => box(laneX[i], c, 'client', `client ${c}`)),
    box(serverX, 'server', 'server', `your server at ${opts.server}`),
    html`<text class="addr" x="${serverX}" y="52" text-anchor="middle">${opts.server}</text>`,
    html`<text class="time head" x="${TIME_X}" y="27" text-anchor="end">time</text>`,
  ];
  return html`${svg}${frame}${drawn}</svg>`;
}
