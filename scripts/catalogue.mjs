// Regenerates README.md's check catalogue from the built-in specs (run after `npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const generated = execFileSync(process.execPath, [path.join(root, 'dist/src/cli.js'), 'list', '--format', 'markdown'], {
  encoding: 'utf8',
});
const readme = path.join(root, 'README.md');
const text = readFileSync(readme, 'utf8');
const start = /<!-- catalogue:start[^>]*-->\n/.exec(text);
const end = text.indexOf('<!-- catalogue:end -->');
if (!start || end < 0) throw new Error('README.md has no catalogue markers');
writeFileSync(readme, text.slice(0, start.index + start[0].length) + generated + text.slice(end));
console.log('README.md: catalogue regenerated');
