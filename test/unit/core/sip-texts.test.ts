// Caller-supplied SIP bodies and headers read leniently and bounded: a message-summary (MWI), a
// transfer's sipfrag, and the auto-answer hints of an INVITE.
import { describe, expect, it } from 'vitest';
import { Core } from 'sip.js';
import { parseMessageSummary } from '../../../main/core/sip/message-waiting.ts';
import { sipfragStatus } from '../../../main/core/sip/sipfrag.ts';
import { answerAfterRequested, MAX_ANSWER_AFTER_S } from '../../../main/core/sip/auto-answer.ts';
import { silentSipLogger } from '../../../main/core/sip/sip-logging.ts';

function invite(...headers: string[]): Core.IncomingRequestMessage {
  const raw = [
    'INVITE sip:1001@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/WS 127.0.0.1;branch=z9hG4bK1',
    'From: <sip:2@x>;tag=a',
    'To: <sip:1001@127.0.0.1>',
    'Call-ID: c',
    'CSeq: 1 INVITE',
    ...headers,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const message = Core.Parser.parseMessage(raw, silentSipLogger());
  if (!(message instanceof Core.IncomingRequestMessage)) throw new Error('not a request');
  return message;
}

describe('parseMessageSummary', () => {
  it.each([
    ['Messages-Waiting: yes\r\nVoice-Message: 3/4 (1/0)', { waiting: true, newMessages: 3, oldMessages: 4, messageAccount: null }],
    ['messages-waiting:NO\nvoice-message: 0/12', { waiting: false, newMessages: 0, oldMessages: 12, messageAccount: null }],
    ['Messages-Waiting: yes\r\nMessage-Account: sip:*97@pbx\r\n', { waiting: true, newMessages: 0, oldMessages: 0, messageAccount: 'sip:*97@pbx' }],
    ['Messages-Waiting: yes\r\nVoice-Message: 99999999999/-4', { waiting: true, newMessages: 100_000, oldMessages: 0, messageAccount: null }],
    ['Messages-Waiting: yes\r\nMessage-Account: \u202e<b>x</b>', { waiting: true, newMessages: 0, oldMessages: 0, messageAccount: '<b>x</b>' }],
  ])('%j', (body, expected) => {
    expect(parseMessageSummary(body)).toEqual(expected);
  });

  it('is null without Messages-Waiting', () => {
    expect(parseMessageSummary('Voice-Message: 1/1')).toBeNull();
    expect(parseMessageSummary('')).toBeNull();
    expect(parseMessageSummary('x'.repeat(100_000))).toBeNull();
  });
});

describe('sipfragStatus', () => {
  it.each([
    ['SIP/2.0 200 OK', 200],
    ['SIP/2.0 180 Ringing\r\n', 180],
    ['  SIP/2.0 486 Busy Here', 486],
    ['SIP/2.0 100', 100],
    ['SIP/2.0 99 Nope', null],
    ['SIP/2.0 700 Too far', null],
    ['HTTP/1.1 200 OK', null],
    ['', null],
  ])('%j -> %s', (body, status) => {
    expect(sipfragStatus(body)).toBe(status);
  });
});

describe('answerAfterRequested', () => {
  it.each([
    [['Call-Info: <sip:127.0.0.1>;answer-after=0'], 0],
    [['Call-Info: <sip:x>;Answer-After=5'], 5],
    [[`Call-Info: <sip:x>;answer-after=${MAX_ANSWER_AFTER_S + 1}`], null],
    [['Alert-Info: <http://x/ring>;info=alert-autoanswer'], 0],
    [['Alert-Info: info=Auto Answer'], 0],
    [['Alert-Info: <http://x>;info=intercom'], 0],
    [['Answer-Mode: Auto;require'], 0],
    [['Answer-Mode: Manual'], null],
    [['Alert-Info: <http://x/ring>;info=alert-external'], null],
    [[], null],
  ])('%j -> %s', (headers, expected) => {
    expect(answerAfterRequested(invite(...headers))).toBe(expected);
  });
});
