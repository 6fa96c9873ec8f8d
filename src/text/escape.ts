// Bytes a server sends are data, never markup or terminal control: every
// reporter shows them through this one function, so an ESC, a NUL or a bidi
// override from a server can never reach a terminal, an XML file or a page raw.

const NAMED: Record<number, string> = { 9: '\\t', 10: '\\n', 13: '\\r', 92: '\\\\' };

/** Code points that are printable but reorder or hide text (bidi controls, zero-width, BOM). */
function isInvisible(cp: number): boolean {
  return (
    (cp >= 0x80 && cp <= 0x9f) || // C1 controls
    cp === 0x061c || // ARABIC LETTER MARK: a bidi control like U+200E/U+200F, but outside their block
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    cp === 0xfeff ||
    (cp >= 0xd800 && cp <= 0xdfff) ||
    cp === 0xfffd
  );
}

const hex2 = (b: number) => '\\x' + b.toString(16).padStart(2, '0');

/** Length of the valid UTF-8 sequence starting at buf[i], or 0 when it is not one. */
function utf8SequenceLength(buf: Uint8Array, i: number): number {
  const b = buf[i];
  const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 0;
  if (need === 0 || b > 0xf4 || i + need > buf.length) return 0;
  for (let k = 1; k < need; k++) if ((buf[i + k] & 0xc0) !== 0x80) return 0;
  const cp = decodeCodePoint(buf, i, need);
  const min = need === 2 ? 0x80 : need === 3 ? 0x800 : 0x10000;
  // RFC 3629 §3: surrogates (ED A0..BF xx) are not UTF-8; show their bytes as sent.
  return cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0 : need;
}

function decodeCodePoint(buf: Uint8Array, i: number, n: number): number {
  let cp = buf[i] & (n === 2 ? 0x1f : n === 3 ? 0x0f : 0x07);
  for (let k = 1; k < n; k++) cp = (cp << 6) | (buf[i + k] & 0x3f);
  return cp;
}

/**
 * Renders bytes as readable, inert text: printable ASCII and printable UTF-8
 * stay as they are; CR, LF, TAB and backslash become `\r` `\n` `\t` `\\`;
 * every other control byte or invalid UTF-8 byte becomes `\xNN`; invisible or
 * reordering code points become `\u{NNNN}`.
 */
export function escapeBytes(data: Uint8Array | string): string {
  const buf =
    typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // Pieces joined once at the end, so a kept 4 KiB event is a flat ~4 KiB string, not a rope
  // of one node per byte (escape-heap-and-surrogates.test.ts: "escapeBytes memory").
  const parts: string[] = [];
  for (let i = 0; i < buf.length; ) {
    const b = buf[i];
    if (b >= 0x20 && b < 0x7f && b !== 0x5c) {
      // A run of printable ASCII goes in as one flat slice.
      let j = i + 1;
      while (j < buf.length && buf[j] >= 0x20 && buf[j] < 0x7f && buf[j] !== 0x5c) j++;
      parts.push(buf.toString('latin1', i, j));
      i = j;
      continue;
    }
    if (b < 0x80) {
      parts.push(NAMED[b] ?? hex2(b));
      i++;
      continue;
    }
    const n = utf8SequenceLength(buf, i);
    if (n === 0) {
      parts.push(hex2(b));
      i++;
      continue;
    }
    const cp = decodeCodePoint(buf, i, n);
    parts.push(isInvisible(cp) ? `\\u{${cp.toString(16)}}` : String.fromCodePoint(cp));
    i += n;
  }
  return parts.join('');
}

/** Escaped text cut to a readable length, saying how much was left out. */
export function previewBytes(data: Uint8Array | string, maxBytes = 2048): string {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (buf.length <= maxBytes) return escapeBytes(buf);
  return `${escapeBytes(buf.subarray(0, maxBytes))}… (${buf.length} bytes in all)`;
}

/** Escapes text that came from elsewhere (a spec, an error message) the same way. */
export function escapeText(s: string): string {
  return escapeBytes(Buffer.from(s, 'utf8'));
}

/**
 * Makes already-readable text inert for a terminal or a file: control
 * characters and invisible code points become escapes; everything else, the
 * backslashes of earlier escapes included, stays as it is.
 */
export function inert(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x0a || cp === 0x09) out += ch;
    else if (cp < 0x20 || cp === 0x7f) out += hex2(cp);
    else if (isInvisible(cp)) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out;
}
