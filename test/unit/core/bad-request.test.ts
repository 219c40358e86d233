// The 400 for a request sip.js cannot parse: built from the raw text, never for an ACK or a
// response, never when the request lacks what a response must echo.
import { describe, expect, it } from 'vitest';
import { badRequestResponse } from '../../../main/core/sip/bad-request.ts';

const request = (first: string, headers: string[]): string => [first, ...headers, 'Content-Length: 0', '', ''].join('\r\n');
const BASIC = ['Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1', 'v: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK0', 'f: <sip:a@x>;tag=1', 'To: <sip:b@y>', 'i: abc', 'CSeq: 7 REFER', 'Refer-To: tel:+1 555'];

describe('badRequestResponse', () => {
  it('echoes the Vias in order, From, Call-ID and CSeq, and tags the To', () => {
    const text = badRequestResponse(request('REFER sip:b@y SIP/2.0', BASIC), 'Hookswitch/t')!;
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('SIP/2.0 400 Bad Request');
    expect(lines.filter((l) => l.startsWith('Via: '))).toEqual(['Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1', 'Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK0']);
    expect(lines).toContain('From: <sip:a@x>;tag=1');
    expect(lines.find((l) => l.startsWith('To: '))).toMatch(/^To: <sip:b@y>;tag=[0-9a-f]{10}$/);
    expect(lines).toContain('Call-ID: abc');
    expect(lines).toContain('CSeq: 7 REFER');
    expect(text).not.toContain('Refer-To');
    expect(text.endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
  });

  it('keeps a To tag that is there', () => {
    expect(badRequestResponse(request('NOTIFY sip:b@y SIP/2.0', [...BASIC.slice(0, 3), 'To: <sip:b@y>;tag=9', 'i: abc', 'CSeq: 1 NOTIFY']), 'x')).toContain('To: <sip:b@y>;tag=9\r\n');
  });

  it.each([
    ['an ACK', request('ACK sip:b@y SIP/2.0', BASIC)],
    ['a response', 'SIP/2.0 200 OK\r\nVia: x\r\n\r\n'],
    ['garbage', 'hello there'],
    ['a request without a Call-ID', request('INVITE sip:b@y SIP/2.0', BASIC.filter((h) => !h.startsWith('i:')))],
    ['an empty string', ''],
  ])('is null for %s', (_what, raw) => {
    expect(badRequestResponse(raw, 'x')).toBeNull();
  });
});
