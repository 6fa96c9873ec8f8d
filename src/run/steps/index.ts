// The one table of step runners: a spec's service → what runs its steps.
import type { ServiceName } from '../../spec/types.js';
import type { StepRunner } from '../case.js';
import type { CaseContext } from '../context.js';
import { runHttpStep } from './http.js';
import { runTcpStep } from './tcp.js';
import { runUdpStep } from './udp.js';

export const STEP_RUNNERS: Readonly<Record<ServiceName, StepRunner>> = {
  udp: runUdpStep,
  tcp: runTcpStep,
  http: runHttpStep,
};

/**
 * The step runners (the table, with `overrides`), each calling `onThrow` before a step's error
 * goes on: --bail and a started server's crash watch hook in here.
 */
export function hookedRunners(
  onThrow: (err: unknown, ctx: CaseContext) => void | Promise<void>,
  overrides?: Partial<Record<ServiceName, StepRunner>>,
): Record<ServiceName, StepRunner> {
  const hooked =
    (runner: StepRunner): StepRunner =>
    async (ctx, step) => {
      try {
        await runner(ctx, step);
      } catch (err) {
        await onThrow(err, ctx);
        throw err;
      }
    };
  const base = { ...STEP_RUNNERS, ...overrides };
  return { udp: hooked(base.udp), tcp: hooked(base.tcp), http: hooked(base.http) };
}
