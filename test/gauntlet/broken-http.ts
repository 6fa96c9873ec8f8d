// The broken HTTP servers of the kv/cond/cookie tests (one bug each, test/helpers/*-faults.ts)
// in one list, each naming the check its bug breaks: the tests in test/integration/*-broken
// pin that failure, bench/gauntlet.ts runs them beside the degenerate servers for its table.
import type { RunOptions } from '../../src/run/run.js';
import { startBrokenHttp } from '../helpers/broken-cond.js';
import { COND_FAULTS } from '../helpers/cond-faults.js';
import { COOKIE_FAULTS } from '../helpers/cookie-faults.js';
import { KV_FAULTS } from '../helpers/kv-faults.js';

export interface BrokenEntry {
  name: string;
  /** The check the bug breaks. */
  breaks: string;
  specs: string[];
  /** Run options the fault needs (e.g. one case at a time). */
  run?: Partial<RunOptions>;
  start(): Promise<{ ports: { http: number }; close(): Promise<void> }>;
}

const onPort = async (s: Promise<{ port: number; close(): Promise<void> }>) => {
  const server = await s;
  return { ports: { http: server.port }, close: () => server.close() };
};

export const BROKEN_HTTP: BrokenEntry[] = [
  ...KV_FAULTS.map((f) => ({
    name: `broken for ${f.id}`,
    breaks: f.id,
    specs: ['kv-http'],
    start: () => onPort(f.start()),
  })),
  ...COND_FAULTS.map((f) => ({
    name: `broken: ${f.bug}`,
    breaks: f.id,
    specs: ['conditional-get'],
    start: () => onPort(startBrokenHttp(f.faults)),
  })),
  ...COOKIE_FAULTS.map((f) => ({
    name: `broken: ${f.bug}`,
    breaks: f.id,
    specs: ['cookies'],
    run: f.run,
    start: () => onPort(startBrokenHttp(f.faults())),
  })),
];
