// Bundles the CLI into dist/cli/ for the published package: one file for the
// start, plus a chunk per command and per report loaded when used. Loading one
// file instead of ~80 small modules is most of netgrade's start-up (npm run bench).
import { build } from 'esbuild';

/**
 * commander requires node:child_process at load time for git-style external
 * subcommands, which netgrade does not use; loading it (and net, dns with it)
 * is a third of `--help`. It is loaded on first use instead.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (/[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "const { createRequire } = require('node:module'); let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= createRequire(__filename)('node:child_process'))[k] });",
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  // No source maps: the TypeScript sources are not shipped, and a map pointing at them would be a dangling promise.
  sourcemap: false,
  legalComments: 'eof',
  // Bundled CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __netgradeRequire } from 'node:module'; const require = __netgradeRequire(import.meta.url);" },
  plugins: [lazyChildProcess],
  logLevel: 'warning',
});
