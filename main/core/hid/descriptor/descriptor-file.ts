// A report descriptor stored in a file: raw bytes (`cat .../report_descriptor > x.bin`) or hex text
// (the fixtures: `#` comment lines, then `HEX:` and the bytes; or bare hex digits). The content
// decides which, never the file name.
import { HidDescriptorError } from './descriptor-error.ts';

const HEX_MARKER = 'HEX:';
const HEX_DIGITS = /^[0-9a-fA-F]+$/;
const TOKEN = /\S+/g;

function asText(bytes: Uint8Array): string {
  // Latin-1: one character per byte, so character offsets are byte offsets.
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

/** Hex digits and whitespace from `start` on; each whitespace-separated token an even number of digits. */
function parseHex(text: string, start: number): Uint8Array {
  const out: number[] = [];
  TOKEN.lastIndex = start;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
    const token = match[0];
    if (!HEX_DIGITS.test(token)) throw new HidDescriptorError('badHexText', match.index, `"${token.slice(0, 16)}" is not hex`);
    if (token.length % 2 !== 0) throw new HidDescriptorError('badHexText', match.index, `"${token.slice(0, 16)}" has an odd number of hex digits`);
    for (let i = 0; i < token.length; i += 2) out.push(Number.parseInt(token.slice(i, i + 2), 16));
  }
  return Uint8Array.from(out);
}

/** True when every line is blank, a `#` comment, or hex digits and whitespace, with at least one digit. */
function isBareHex(text: string): boolean {
  let digits = false;
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (!/^[0-9a-fA-F\s]+$/.test(trimmed)) return false;
    digits = true;
  }
  return digits;
}

/** The descriptor bytes a file holds. Throws HidDescriptorError('badHexText') for malformed hex. */
export function decodeDescriptorFile(content: Uint8Array): Uint8Array {
  const text = asText(content);
  const marker = text.indexOf(HEX_MARKER);
  if (marker >= 0) return parseHex(text, marker + HEX_MARKER.length);
  if (isBareHex(text)) {
    const withoutComments = text.replace(/^[ \t]*#.*$/gm, (line) => ' '.repeat(line.length));
    return parseHex(withoutComments, 0);
  }
  return content;
}
