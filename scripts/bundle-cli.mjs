// Bundles the CLI into dist/cli/ for the published package: one CommonJS file
// for the start (cli.cjs: flags and help), and ES modules under lib/ for each
// command and report, loaded when used. Loading one file instead of ~80 small
// modules is most of netgrade's start-up (npm run bench).
// The bundle holds every dependency, so the package installs with none: a
// tarball installs offline, from no registry and no cache.
import { readFile, rm } from 'node:fs/promises';
import { build } from 'esbuild';

/**
 * commander requires node:child_process at load time for git-style external
 * subcommands, which netgrade does not use; loading it (and net, dns with it)
 * is a third of `--help`. It is loaded on first use instead.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents:
        "const { createRequire } = require('node:module'); let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= createRequire(__filename)('node:child_process'))[k] });",
      loader: 'js',
    }));
  },
};

/**
 * Sources load some packages on first use with `createRequire(import.meta.url)`
 * (ajv, for a profile or a schema changed since the build). With that line gone,
 * `require('ajv')` is the free require esbuild bundles, still evaluated on first use.
 */
const CREATE_REQUIRE = /^const require = createRequire\(import\.meta\.url\);$/m;
const bundledRequire = {
  name: 'bundled-require',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      return CREATE_REQUIRE.test(text) ? { contents: text.replace(CREATE_REQUIRE, ''), loader: 'ts' } : undefined;
    });
  },
};

// Chunk names carry a hash: without a clean folder, old chunks would pile up and be packed.
await rm('dist/cli', { recursive: true, force: true });

/** What cli.ts imports on use: built as ES modules with shared chunks, under dist/cli/lib/. */
const LAZY = [
  'commands/run',
  'commands/grade',
  'commands/merge',
  'commands/inspect',
  'commands/serve',
  'commands/init',
];

await build({
  entryPoints: Object.fromEntries(LAZY.map((m) => [m, `src/${m}.ts`])),
  outdir: 'dist/cli/lib',
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
  banner: {
    js: "import { createRequire as __netgradeRequire } from 'node:module'; const require = __netgradeRequire(import.meta.url);",
  },
  plugins: [lazyChildProcess, bundledRequire],
  logLevel: 'warning',
});

/** cli.ts's `import('./commands/run.js')` and the like load the ES chunks above. */
const lazyImports = {
  name: 'lazy-imports',
  setup(b) {
    const names = new Set(LAZY.map((m) => `./${m}.js`));
    b.onResolve({ filter: /^\.\/.*\.js$/ }, (args) =>
      args.kind === 'dynamic-import' && names.has(args.path)
        ? { path: `./lib/${args.path.slice(2)}`, external: true }
        : undefined,
    );
  },
};

// The entry is CommonJS: node starts a CommonJS file faster than an ES module, and
// `--help`, `--version` or a usage error need nothing else.
await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli/cli.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  define: { 'import.meta.url': '__netgradeUrl' },
  banner: { js: "const __netgradeUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [lazyChildProcess, lazyImports],
  logLevel: 'warning',
});

// The schema validator compiled at build time requires ajv's runtime helpers: bundled in place, it needs none.
await build({
  entryPoints: ['dist/schema/spec-validator.cjs'],
  outfile: 'dist/schema/spec-validator.cjs',
  allowOverwrite: true,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
