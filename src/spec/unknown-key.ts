// Words for a key the schema refuses. Most refusals are a key that some other
// service or subject takes (an http step with `retries`, a body with `tokens`):
// saying who takes it tells the author the spec asked for something that would
// never run, not merely that it misspelt a word.
import { readFileSync } from 'node:fs';
import { didYouMean } from '../text/suggest.js';

/** Definitions that take the same place in a spec, and how a person calls each. */
const GROUPS: Array<Record<string, string>> = [
  { udpStep: 'udp steps', tcpStep: 'tcp steps', httpStep: 'http steps' },
  { udpExpect: 'udp expectations', tcpExpect: 'tcp expectations', httpExpect: 'http expectations' },
  { bodyMatch: 'body expectations', headerMatch: 'header expectations', cookieValueMatch: 'cookie value expectations' },
];

interface Schema {
  properties: Record<string, unknown>;
  definitions: Record<string, { properties?: Record<string, unknown> }>;
}
let schema: Schema | undefined;

const list = (words: string[]) =>
  words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;

/** "udp steps" and "tcp steps" → "udp and tcp steps". */
function names(labels: string[]): string {
  const nouns = new Set(labels.map((l) => l.slice(l.indexOf(' ') + 1)));
  return nouns.size === 1 ? `${list(labels.map((l) => l.slice(0, l.indexOf(' '))))} ${[...nouns][0]}` : list(labels);
}

/**
 * The schema definition that judged the object at a path (ajv's standalone code does not
 * keep the definition's name in its errors, so it is found from where the object stands).
 */
function definitionAt(path: Array<string | number>, service: unknown): string | undefined {
  const at = path.map((p) => (typeof p === 'number' ? '#' : p)).join('/');
  const svc = typeof service === 'string' ? service : '?';
  const known: Record<string, string> = {
    'cases/#': 'case',
    'cases/#/steps/#': `${svc}Step`,
    'cases/#/steps/#/expect': `${svc}Expect`,
    'cases/#/steps/#/expect/body': 'bodyMatch',
    'cases/#/steps/#/expect/setCookie': 'setCookieMatch',
    'cases/#/steps/#/expect/setCookie/value': 'cookieValueMatch',
  };
  if (/^cases\/#\/steps\/#\/expect\/headers\/[^/]+$/.test(at)) return 'headerMatch';
  return known[at];
}

/** The message for `key` refused on the object at `path` of a spec for `service`. */
export function unknownKeyMessage(
  schemaFile: string,
  path: Array<string | number>,
  service: unknown,
  key: string,
): string {
  schema ??= JSON.parse(readFileSync(schemaFile, 'utf8')) as Schema;
  const props = (name: string) => Object.keys(schema!.definitions[name]?.properties ?? {});
  const def = definitionAt(path, service);
  const group = GROUPS.find((g) => def !== undefined && def in g);
  if (def && group) {
    const takers = Object.keys(group).filter((d) => d !== def && props(d).includes(key));
    if (takers.length > 0) {
      // An http expectation with a reply matcher most likely meant the body's.
      const body =
        def === 'httpExpect' && props('bodyMatch').includes(key) ? `; for the body, write expect.body.${key}` : '';
      return `${group[def]} do not use "${key}" (${names(takers.map((d) => group[d]))} do${body})`;
    }
  }
  const known = path.length === 0 ? Object.keys(schema.properties) : def ? props(def) : [];
  return `unknown property "${key}"${didYouMean(key, known)}`;
}
