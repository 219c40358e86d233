// A 400 Bad Request for a request sip.js cannot parse (its parser drops such a message without an
// answer, e.g. a REFER whose Refer-To is not a SIP URI, so the sender would retry until it times
// out). Built from the raw text: the status line, the request's Via, From, To (with a tag of ours
// when it has none), Call-ID and CSeq, as RFC 3261 8.2.6.2 asks. Null when the text is not a
// request, is an ACK (never answered), or lacks what a response needs.
import { randomBytes } from 'node:crypto';

const REQUEST_LINE = /^([A-Z]+) \S+ SIP\/2\.0\r?$/;
const COPIED = new Map([
  ['via', 'Via'],
  ['v', 'Via'],
  ['from', 'From'],
  ['f', 'From'],
  ['to', 'To'],
  ['t', 'To'],
  ['call-id', 'Call-ID'],
  ['i', 'Call-ID'],
  ['cseq', 'CSeq'],
]);

export function badRequestResponse(raw: string, userAgent: string): string | null {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const lines = head.split(/\r?\n/);
  const method = REQUEST_LINE.exec(lines[0] ?? '')?.[1];
  if (method === undefined || method === 'ACK') return null;
  const headers: string[] = [];
  const seen = new Set<string>();
  for (const line of lines.slice(1)) {
    const m = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    const name = m ? COPIED.get((m[1] ?? '').toLowerCase()) : undefined;
    if (!m || name === undefined) continue;
    let value = (m[2] ?? '').replace(/[\r\n]/g, '');
    if (name === 'To' && !/;\s*tag=/i.test(value)) value += `;tag=${randomBytes(5).toString('hex')}`;
    headers.push(`${name}: ${value}`);
    seen.add(name);
  }
  for (const needed of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) if (!seen.has(needed)) return null;
  return ['SIP/2.0 400 Bad Request', ...headers, `User-Agent: ${userAgent}`, 'Content-Length: 0', '', ''].join('\r\n');
}
