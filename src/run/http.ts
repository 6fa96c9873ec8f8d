import { CaseErrored, type CaseContext } from './context.js';
import type { Step } from '../spec/types.js';

/** HTTP steps: filled in by the KV-HTTP work. */
export async function httpStepRunner(_ctx: CaseContext, _step: Step): Promise<void> {
  throw new CaseErrored('http steps are not supported yet');
}
