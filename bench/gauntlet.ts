// The table "check id → servers that fail it" over every check of the built-in specs: the
// broken servers (one bug each) and the degenerate ones of the gauntlet. A check that no
// server fails could not fail, so it is marked. Printed by `npm run bench`; run alone with
// `node dist/bench/gauntlet.js`.
import { builtinSpecNames, loadSpecs } from '../src/spec/load.js';
import type { RunOptions } from '../src/run/run.js';
import { runSpec } from '../test/helpers/run-spec.js';
import { BROKEN_HTTP } from '../test/gauntlet/broken-http.js';
import { GAUNTLET } from '../test/gauntlet/index.js';

interface Entry {
  name: string;
  specs: string[];
  run?: Partial<RunOptions>;
  start(): Promise<{ ports: Partial<Record<'udp' | 'tcp' | 'http', number>>; close(): Promise<void> }>;
}

/** Runs `work` over items with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** The ids each server fails (failed or errored), run with every tag. */
async function failures(entries: Entry[]): Promise<Map<string, string[]>> {
  const failing = new Map<string, string[]>();
  await pool(entries, 4, async (e) => {
    const server = await e.start();
    try {
      const result = await runSpec(e.specs, server.ports, { selection: { tags: 'all' }, ...e.run });
      for (const c of result.cases)
        if (c.status === 'failed' || c.status === 'errored') failing.set(c.id, [...(failing.get(c.id) ?? []), e.name]);
    } finally {
      await server.close();
    }
  });
  return failing;
}

export async function gauntletTable(): Promise<string[]> {
  const started = Date.now();
  const degenerate = GAUNTLET;
  const entries: Entry[] = [...BROKEN_HTTP, ...degenerate];
  const failing = await failures(entries);
  const ids = loadSpecs(builtinSpecNames()).flatMap((s) => s.cases.map((c) => c.id));
  const width = Math.max(...ids.map((id) => id.length));
  const lines = [
    `${entries.length} servers (${BROKEN_HTTP.length} broken, ${degenerate.length} degenerate) against ${ids.length} checks in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  ];
  for (const id of ids) {
    const names = failing.get(id) ?? [];
    lines.push(
      `${id.padEnd(width)}  ${names.length === 0 ? 'NO SERVER FAILS IT' : `${names.length}: ${names.join('; ')}`}`,
    );
  }
  const never = ids.filter((id) => !failing.has(id));
  lines.push(
    never.length === 0
      ? 'every check fails against at least one server'
      : `${never.length} checks fail against no server here: ${never.join(', ')}`,
  );
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) for (const line of await gauntletTable()) console.log(line);
