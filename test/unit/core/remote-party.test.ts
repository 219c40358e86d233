// Who is calling, read from an incoming INVITE as sip.js parses it: names may be missing, quoted,
// escaped or asserted by the PBX; what comes out is always plain text.
import { describe, expect, it } from 'vitest';
import { Core } from 'sip.js';
import { remotePartyOf } from '../../../main/core/sip/remote-party.ts';

const silent = new Core.LoggerFactory().getLogger('test');

function invite(from: string, extra: string[] = []): Core.IncomingRequestMessage {
  const raw = [
    'INVITE sip:1001@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/WS 127.0.0.1:5060;branch=z9hG4bKremote',
    'Max-Forwards: 70',
    `From: ${from};tag=abc`,
    'To: <sip:1001@127.0.0.1>',
    'Call-ID: remote-party-test',
    'CSeq: 1 INVITE',
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const message = Core.Parser.parseMessage(raw, silent);
  if (!(message instanceof Core.IncomingRequestMessage)) throw new Error('not a request');
  return message;
}

describe('remotePartyOf', () => {
  it('a From without a display name gives an empty name and the number', () => {
    expect(remotePartyOf(invite('<sip:1002@pbx.example.com>'))).toEqual({
      displayName: '',
      number: '1002',
      uri: 'sip:1002@pbx.example.com',
    });
  });

  it('a bare From address (no angle brackets) too', () => {
    expect(remotePartyOf(invite('sip:1003@pbx.example.com'))).toMatchObject({ displayName: '', number: '1003' });
  });

  it('an asserted identity without a name keeps the From name and takes the asserted number', () => {
    expect(remotePartyOf(invite('"Front Desk" <sip:1002@pbx>', ['P-Asserted-Identity: <sip:100@pbx>']))).toEqual({
      displayName: 'Front Desk',
      number: '100',
      uri: 'sip:100@pbx',
    });
  });

  it('neither named: empty name, asserted number; a nameless tel: assertion too', () => {
    expect(remotePartyOf(invite('<sip:1002@pbx>', ['P-Asserted-Identity: <sip:100@pbx>']))).toMatchObject({ displayName: '', number: '100' });
    expect(remotePartyOf(invite('<sip:1002@pbx>', ['P-Asserted-Identity: <tel:+4930123>']))).toEqual({
      displayName: '',
      number: '+4930123',
      uri: 'sip:1002@pbx',
    });
  });

  it('a quoted name loses its escapes and hidden characters', () => {
    expect(remotePartyOf(invite('"Bob \\"B\\"\u202e" <sip:1004@pbx>')).displayName).toBe('Bob "B"');
  });

  it('a long name is cut between characters, never inside an emoji', () => {
    const name = remotePartyOf(invite(`"${'a'.repeat(127)}😀😀" <sip:1004@pbx>`)).displayName;
    expect(name).toBe('a'.repeat(127));
    expect(/\p{Cs}/u.test(name)).toBe(false);
  });
});
