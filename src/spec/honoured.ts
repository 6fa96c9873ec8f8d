// Keys the schema allows one at a time but a step runner (src/run/steps/)
// ignores in combination: each would be an instruction that
// silently never runs, so each is a spec problem where it stands. The schema
// refuses keys a service never reads; this refuses the pairs that cancel out.
import type { LintProblem } from './lint.js';
import type { Spec, Step } from './types.js';

type Rule = (step: Step, spec: Spec) => { key: string; inExpect?: boolean; message: string } | undefined;

const RULES: Rule[] = [
  // connect/close steps return before anything else is looked at.
  (s) => {
    const action = s.connect ? 'connect' : s.close ? 'close' : undefined;
    const ignored = (['send', 'then', 'expect', 'repeat', 'clients', 'burst', 'retries'] as const).find(
      (k) => s[k] !== undefined,
    );
    return action && ignored
      ? {
          key: ignored,
          message:
            `a "${action}" step does only that: its "${ignored}" would never be used; ` + 'put it in a step of its own',
        }
      : undefined;
  },
  (s) =>
    (s.then === 'close' || s.then === 'reset') && s.expect
      ? {
          key: 'expect',
          message:
            `after "then: ${s.then}" nothing is read, so this "expect" would never be checked; ` +
            'use then: half-close or keep-open',
        }
      : undefined,
  (s) =>
    s.burst && s.retries !== undefined
      ? { key: 'retries', message: 'a burst sends each message once: "retries" is not used with "burst"' }
      : undefined,
  (s) =>
    s.burst && s.expect?.replyWithinMs !== undefined
      ? {
          key: 'replyWithinMs',
          inExpect: true,
          message:
            'replies to a burst are not timed one by one: "replyWithinMs" is not used with "burst" ' +
            "(the step's timeoutMs bounds them all)",
        }
      : undefined,
  (s) =>
    s.burst && s.expect?.noReply
      ? {
          key: 'noReply',
          inExpect: true,
          message: 'a burst waits for a reply to every message: "noReply" is not used with "burst"',
        }
      : undefined,
  // One request gives one value: "distinct" or "notCountingUp" over it could never fail.
  (s) =>
    s.collect && !s.repeat && !s.clients
      ? {
          key: 'collect',
          message: '"collect" checks the values of several requests: use it with "repeat" or "clients"',
        }
      : undefined,
  (s) =>
    s.expect?.noReply && s.retries !== undefined
      ? { key: 'retries', message: 'a step that expects no reply sends once: "retries" is not used with "noReply"' }
      : undefined,
];

/** Every step key that its neighbours make a no-op, with where it stands. */
export function unhonouredKeys(spec: Spec): LintProblem[] {
  const out: LintProblem[] = [];
  spec.cases.forEach((c, ci) =>
    c.steps.forEach((step, si) => {
      for (const rule of RULES) {
        const p = rule(step, spec);
        if (p)
          out.push({
            path: p.inExpect ? ['cases', ci, 'steps', si, 'expect'] : ['cases', ci, 'steps', si],
            key: p.key,
            message: p.message,
          });
      }
    }),
  );
  return out;
}
