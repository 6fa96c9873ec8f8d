import { regexLiteral, renderTemplate } from '../spec/template.js';
import type { StepExpect } from '../spec/types.js';
import type { ReplyExpect } from '../check/reply.js';
import { renderBytes } from './payload.js';

/** Fills a step's expectations with this client's variables. */
export function renderExpect(e: StepExpect, vars: Record<string, string>): ReplyExpect {
  return {
    equals: e.equals === undefined ? undefined : renderBytes(e.equals, vars),
    contains: e.contains === undefined ? undefined : renderTemplate(e.contains, vars),
    notContains: e.notContains === undefined ? undefined : renderTemplate(e.notContains, vars),
    matches: e.matches === undefined ? undefined : new RegExp(renderTemplate(e.matches, vars, regexLiteral), 'u'),
    length: e.length,
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
