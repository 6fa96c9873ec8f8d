// Request head parsing (RFC 9112 §2-§5). Strict where leniency would let two parties disagree on
// where a message ends; generous where it cannot (bare LF line ends, leading empty lines).

export interface HttpRequest {
  method: string;
  target: string;
  /** 1.0 or 1.1; a higher 1.x minor version is treated as 1.1 (RFC 9110 §6.2). */
  minorVersion: 0 | 1;
  /** Lower-cased field name → each field line's value, in order received. */
  headers: Map<string, string[]>;
  body: Buffer;
}

export type RequestHead = Omit<HttpRequest, 'body'>;

export interface HeadError {
  kind: 'error';
  status: 400 | 505;
  message: string;
}

// token = 1*tchar (RFC 9110 §5.6.2)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 9112 §3: request-line = method SP request-target SP HTTP-version
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([\x21-\x7e]+) HTTP\/(\d)\.(\d)$/;

/** `text` is the head decoded as latin1 (one char per byte), without the final empty line. */
export function parseHead(text: string): RequestHead | HeadError {
  // RFC 9112 §2.2: a bare CR is invalid; a bare LF may be taken as a line end.
  const lines = text.split(/\r?\n/);
  if (lines.some((line) => line.includes('\r'))) return headError('bare CR in request head');
  const m = REQUEST_LINE.exec(lines[0]);
  if (!m) return headError('malformed request-line');
  if (m[3] !== '1') return { kind: 'error', status: 505, message: `HTTP/${m[3]}.${m[4]} is not supported` };
  const headers = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const error = addFieldLine(headers, line);
    if (error) return headError(error);
  }
  return { method: m[1], target: m[2], minorVersion: m[4] === '0' ? 0 : 1, headers };
}

// RFC 9112 §5: field-line = field-name ":" OWS field-value OWS
function addFieldLine(headers: Map<string, string[]>, line: string): string | undefined {
  // §5.2: obs-fold in a request may be rejected with 400.
  if (line[0] === ' ' || line[0] === '\t') return 'obsolete line folding';
  const colon = line.indexOf(':');
  const name = line.slice(0, colon);
  // §5.1: no whitespace is allowed between the field name and the colon; reject with 400.
  if (colon < 1 || !TOKEN.test(name)) return `malformed field line: ${JSON.stringify(line.slice(0, 40))}`;
  const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
  // RFC 9110 §5.5: a field value holding NUL is invalid; reject rather than guess.
  if (value.includes('\0')) return `NUL in field ${name}`;
  const key = name.toLowerCase();
  const values = headers.get(key);
  if (values) values.push(value);
  else headers.set(key, [value]);
  return undefined;
}

/** Field value with multiple lines combined as a list (RFC 9110 §5.3). */
export function headerValue(req: RequestHead, name: string): string | undefined {
  return req.headers.get(name)?.join(', ');
}

/** The members of a list-based field (RFC 9110 §5.6.1), lower-cased, empty members dropped. */
export function headerTokens(req: RequestHead, name: string): string[] {
  const value = headerValue(req, name) ?? '';
  return value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
}

/**
 * A request line that is already complete (up to its LF) and cannot be HTTP, or a first word
 * that cannot be a method: answer 400 now rather than wait for a header block that never comes.
 */
export function isHopeless(prefix: string): boolean {
  const lf = prefix.indexOf('\n');
  if (lf >= 0) return !REQUEST_LINE.test(prefix.slice(0, lf).replace(/\r$/, ''));
  const word = prefix.split(' ')[0];
  return word !== '' && !TOKEN.test(word);
}

function headError(message: string): HeadError {
  return { kind: 'error', status: 400, message };
}
