import { regexLiteral, renderTemplate } from '../spec/template.js';
import {
  MATCHERS,
  MATCHER_KEYWORDS,
  type ArgKind,
  type ArgValue,
  type MatchSet,
  type WrittenArg,
  type WrittenMatch,
} from '../spec/matchers.js';
import type { StepExpect } from '../spec/types.js';
import type { ReplyExpect } from '../check/reply.js';
import { expandEach, renderBytes } from './payload.js';

/** One matcher argument with this client's variables filled in, by its kind. */
function renderArg<K extends ArgKind>(kind: K, written: WrittenArg[K], vars: Record<string, string>): ArgValue[K] {
  const w = written as WrittenArg[ArgKind];
  const out: { [J in ArgKind]: () => ArgValue[J] } = {
    payload: () => renderBytes(w as WrittenArg['payload'], vars),
    text: () => renderTemplate(w as string, vars),
    regex: () => new RegExp(renderTemplate(w as string, vars, regexLiteral), 'u'),
    count: () => w as number,
    flag: () => true,
    texts: () => (w as string[]).map((x) => renderTemplate(x, vars)),
    each: () => {
      const e = w as WrittenArg['each'];
      return expandEach(e.each, e.count, vars, '\u0000').split('\u0000');
    },
    name: () => w as string,
  };
  return out[kind]() as ArgValue[K];
}

/** Fills the matchers a step wrote (for any subject) with this client's variables. */
export function renderMatches(written: WrittenMatch, vars: Record<string, string>): MatchSet {
  const out: Record<string, unknown> = {};
  for (const k of MATCHER_KEYWORDS) {
    const w = written[k];
    if (w !== undefined) out[k] = renderArg(MATCHERS[k].arg, w as never, vars);
  }
  return out as MatchSet;
}

/** Fills a step's expectations with this client's variables. */
export function renderExpect(e: StepExpect, vars: Record<string, string>): ReplyExpect {
  return {
    ...renderMatches(e, vars),
    replyWithinMs: e.replyWithinMs,
    closedWithinMs: e.closedWithinMs,
    noReply: e.noReply,
  };
}

/** Whether the bytes so far make a complete reply, by what the expectation says. */
export function replyComplete(e: ReplyExpect): ((b: Buffer) => boolean) | undefined {
  const len = e.equals?.length ?? e.length;
  if (len !== undefined) return (b) => b.length >= len;
  if (e.contains !== undefined) return (b) => b.toString('utf8').includes(e.contains!);
  if (e.matches) return (b) => e.matches!.test(b.toString('utf8'));
  return undefined;
}
