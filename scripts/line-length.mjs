#!/usr/bin/env node
// No line in src/ over 120 characters (issue 12). Biome's formatter wraps code but leaves long strings and
// comments alone, so this check covers what the formatter cannot.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const LIMIT = 120;
const root = new URL('..', import.meta.url).pathname;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (/\.(ts|mts|cts|js|mjs)$/.test(entry.name)) yield path;
  }
}

const over = [];
for (const file of files(join(root, 'src'))) {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      // Characters, not UTF-16 units: an em dash counts once, as an editor shows it.
      const length = [...line].length;
      if (length > LIMIT) over.push(`${relative(root, file)}:${i + 1}: ${length} characters (limit ${LIMIT})`);
    });
}

if (over.length > 0) {
  process.stderr.write(`${over.join('\n')}\n${over.length} line(s) in src/ over ${LIMIT} characters\n`);
  process.exit(1);
}
process.stdout.write(`line length: no line in src/ over ${LIMIT} characters\n`);
