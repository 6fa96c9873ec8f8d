import { renderTemplate } from '../spec/template.js';
import type { Payload, PayloadPart } from '../spec/types.js';
import { TemplateError } from '../errors.js';

/** One write of a payload, after the pause that precedes it. */
export interface Write {
  delayMs: number;
  data: Buffer;
}

function partBytes(part: PayloadPart, vars: Record<string, string>): Buffer {
  if (typeof part === 'string') return Buffer.from(renderTemplate(part, vars), 'utf8');
  if ('hex' in part) return Buffer.from(part.hex.replace(/\s+/g, ''), 'hex');
  if ('text' in part) return Buffer.from(renderTemplate(part.text, vars), 'utf8');
  if ('each' in part) return Buffer.from(expandEach(part.each, part.count, vars, part.separator ?? ''), 'utf8');
  const unit = Buffer.from(renderTemplate(part.repeat, vars), 'utf8');
  // The schema forbids an empty `repeat`, but a placeholder can still render to "" (--set x=), and
  // the loop below needs a unit of 1 byte or more (payload.test.ts: "a unit that renders empty").
  if (unit.length === 0 && part.bytes > 0)
    throw new TemplateError(`"repeat: ${part.repeat}" is empty once filled in, so it cannot make ${part.bytes} bytes`);
  const out = Buffer.alloc(part.bytes);
  for (let o = 0; o < part.bytes; o += unit.length) unit.copy(out, o, 0, Math.min(unit.length, part.bytes - o));
  return out;
}

/** Renders a payload into writes: parts concatenate, a {delayMs} element starts a new write after that pause. */
export function renderWrites(p: Payload, vars: Record<string, string>): Write[] {
  const items = Array.isArray(p) ? p : [p];
  const writes: Write[] = [];
  let pending: Buffer[] = [];
  let delayMs = 0;
  for (const item of items) {
    if (typeof item === 'object' && 'delayMs' in item) {
      if (pending.length > 0) writes.push({ delayMs, data: Buffer.concat(pending) });
      if (pending.length > 0) delayMs = 0;
      pending = [];
      delayMs += item.delayMs;
    } else {
      pending.push(partBytes(item, vars));
    }
  }
  if (pending.length > 0 || writes.length === 0) writes.push({ delayMs, data: Buffer.concat(pending) });
  return writes;
}

/** A payload as one buffer (delays ignored): what an `equals` expectation compares with. */
export function renderBytes(p: Payload, vars: Record<string, string>): Buffer {
  return Buffer.concat(renderWrites(p, vars).map((w) => w.data));
}

/** `each` for n = 1..count, joined: generated bodies such as 1,000 distinct pairs. */
export function expandEach(each: string, count: number, vars: Record<string, string>, separator = ''): string {
  const out: string[] = [];
  for (let n = 1; n <= count; n++) out.push(renderTemplate(each, { ...vars, n: String(n) }));
  return out.join(separator);
}
