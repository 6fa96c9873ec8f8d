// Packs the release tarball: the built files and a package.json without
// scripts, so installing it runs nothing and npm has no install script to
// warn about. (`prepare` stays in the repository's package.json: a git
// install, `npm i github:OWNER/netgrade#v0.2.0`, builds with it.)
//   node scripts/pack.mjs [DEST]   → prints the tarball's path
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dest = path.resolve(process.argv[2] ?? root);
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

for (const built of ['dist/cli/cli.cjs', 'dist/schema/spec-validator.cjs']) {
  if (!existsSync(path.join(root, built))) throw new Error(`${built} is missing: run npm run build first`);
}

mkdirSync(dest, { recursive: true });
const stage = mkdtempSync(path.join(os.tmpdir(), 'netgrade-pack-'));
try {
  for (const entry of [...pkg.files, 'README.md', 'LICENSE']) {
    if (existsSync(path.join(root, entry)))
      cpSync(path.join(root, entry), path.join(stage, entry), { recursive: true });
  }
  const { scripts: _scripts, devDependencies: _dev, ...manifest } = pkg;
  writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dest], {
    cwd: stage,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(path.join(dest, out.trim().split('\n').at(-1)) + '\n');
} finally {
  rmSync(stage, { recursive: true, force: true });
}
