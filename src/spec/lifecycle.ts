// Cases whose verdict depends on the other clients of their service must run
// alone (`exclusive: true`): the loader refuses them otherwise, so that
// concurrency can make a run faster but never changes a verdict (README "How
// a verdict is reached"). Each rule names the key that makes a case so.
import type { CaseDef, Payload, ServiceName, Step } from './types.js';

export interface LifecycleUse {
  /** Where the key stands, from the case. */
  path: Array<string | number>;
  key: string;
  /** What the step does, as the end of "step 2 …". */
  what: string;
}

const paused = (p: Payload | undefined) =>
  Array.isArray(p) && p.some((x) => typeof x === 'object' && x !== null && 'delayMs' in x);

/** Every use of the connection's lifecycle, of other clients or of timing in one step. */
function stepUses(service: ServiceName, step: Step, at: Array<string | number>): LifecycleUse[] {
  const out: LifecycleUse[] = [];
  const use = (path: Array<string | number>, key: string, what: string) => out.push({ path, key, what });
  // Keys a service does not honour are lint errors of their own, not reasons for exclusivity.
  const stream = service !== 'udp';
  const e = step.expect;
  if (service !== 'http' && e?.closedWithinMs !== undefined)
    use([...at, 'expect'], 'closedWithinMs', 'expects the server to close the connection (closedWithinMs)');
  if (service === 'http' && e?.keepAlive)
    use([...at, 'expect'], 'keepAlive', 'expects the connection to stay usable after the response (keepAlive)');
  if (e?.replyWithinMs !== undefined)
    use([...at, 'expect'], 'replyWithinMs', 'times the reply (replyWithinMs), which other clients slow down');
  if (stream && step.connect) use(at, 'connect', 'opens a connection and holds it (connect)');
  if (step.close) use(at, 'close', `ends a held connection (close: ${step.close})`);
  if (stream && step.then && step.then !== 'half-close')
    use(at, 'then', `leaves the connection in a state of its own (then: ${step.then})`);
  if ((step.clients ?? 1) > 1) use(at, 'clients', `uses ${step.clients} clients at once`);
  if (service !== 'udp' && (step.repeat ?? 1) > 1) use(at, 'repeat', `makes ${step.repeat} requests one after another`);
  if (service === 'udp' && step.burst) use(at, 'burst', 'sends a burst of datagrams');
  if (step.request?.split) use([...at, 'request'], 'split', 'sends its request in pieces (split)');
  if (paused(step.send) || paused(step.raw) || paused(step.request?.body))
    use(
      at,
      step.send !== undefined ? 'send' : step.raw !== undefined ? 'raw' : 'request',
      'pauses inside what it sends ({delayMs})',
    );
  return out;
}

/** Why a case's verdict depends on other clients: empty when it may share its service. */
export function lifecycleUses(service: ServiceName, c: CaseDef): LifecycleUse[] {
  const out = c.steps.flatMap((step, si) => stepUses(service, step, ['steps', si]));
  // A named client in two steps is a connection held open across them.
  const firstStep = new Map<string, number>();
  c.steps.forEach((step, si) => {
    if (!step.client) return;
    const first = firstStep.get(step.client);
    if (first === undefined) firstStep.set(step.client, si);
    else if (!out.some((u) => u.path[1] === si))
      out.push({
        path: ['steps', si],
        key: 'client',
        what: `uses client "${step.client}" again, held open since step ${first + 1}`,
      });
  });
  return out.sort((a, b) => Number(a.path[1]) - Number(b.path[1]));
}

/** The lint sentence for a case that is not exclusive but should be. */
export function notExclusiveMessage(c: CaseDef, u: LifecycleUse): string {
  return (
    `case "${c.id}" must be "exclusive: true": step ${Number(u.path[1]) + 1} ${u.what}, ` +
    'so its verdict would depend on the other clients of the service'
  );
}
