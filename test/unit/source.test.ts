// A check's source as something to follow: a path in the console, a link in
// HTML and JUnit that works where the package is installed.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docHref, githubBase, sourceParts, sourceText } from '../../src/report/source.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

describe('sources', () => {
  it('splits a source into its parts and recognises the package doc with its anchor', () => {
    expect(sourceParts('docs/protocols.md#kv-http; RFC 9110 §9.3.2')).toEqual([
      { text: 'docs/protocols.md#kv-http', doc: { file: 'docs/protocols.md', anchor: 'kv-http' } },
      { text: 'RFC 9110 §9.3.2' },
    ]);
    expect(sourceParts(undefined)).toEqual([]);
  });

  it("reads a GitHub repository from package.json's forms, and nothing else", () => {
    expect(githubBase('git+https://github.com/course/netgrade.git')).toBe('https://github.com/course/netgrade');
    expect(githubBase({ url: 'git@github.com:course/netgrade.git' })).toBe('https://github.com/course/netgrade');
    expect(githubBase('github:course/netgrade')).toBe('https://github.com/course/netgrade');
    expect(githubBase('https://gitlab.com/course/netgrade')).toBeUndefined();
    expect(githubBase(undefined)).toBeUndefined();
  });

  it('links from a report to the installed doc by a relative path when the package names no repository', () => {
    const href = docHref({ file: 'docs/protocols.md', anchor: 'tcp-echo' }, path.join(PACKAGE_ROOT, 'reports'));
    expect(href).toBe('../docs/protocols.md#tcp-echo');
  });

  it('shows the doc in a terminal relative to the working folder, or in full outside it', () => {
    expect(sourceText('docs/protocols.md#udp-echo; RFC 768', PACKAGE_ROOT)).toBe('docs/protocols.md#udp-echo; RFC 768');
    expect(sourceText('docs/protocols.md#udp-echo', '/')).toBe(
      `${path.relative('/', PACKAGE_ROOT)}/docs/protocols.md#udp-echo`,
    );
    expect(sourceText('docs/protocols.md#udp-echo', '/nonexistent/elsewhere')).toBe(
      path.join(PACKAGE_ROOT, 'docs/protocols.md') + '#udp-echo',
    );
  });
});
