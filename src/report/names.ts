// The reporters' command-line names and arguments: the keys of the registry in
// index.ts, kept here apart so that `--help` lists them without loading a reporter.

/** Every reporter by the name used on the command line, with the argument it takes. */
export const REPORTER_USAGE = {
  console: 'console',
  json: 'json=FILE (json=- for stdout)',
  junit: 'junit=FILE',
  html: 'html=FILE',
  gradescope: 'gradescope=FILE',
  github: 'github',
} as const;

export type ReporterName = keyof typeof REPORTER_USAGE;
