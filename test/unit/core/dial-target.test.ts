// Dial targets: what the user types, or a link hands over, becomes a SIP URI or is refused with
// invalid-number before it can reach a SIP header.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../main/core/errors.ts';
import { MAX_NUMBER_LENGTH, parseDialTarget } from '../../../main/core/sip/dial-target.ts';

const ACCOUNT = 'sip:1001@pbx.example.com';

function code(input: string, account = ACCOUNT): string {
  try {
    parseDialTarget(input, account);
    return 'accepted';
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).code;
  }
}

describe('numbers', () => {
  it.each([
    ['1002', 'sip:1002@pbx.example.com', '1002'],
    ['+49 (30) 123-45.67', 'sip:+49301234567@pbx.example.com', '+49301234567'],
    ['  0800 123 456  ', 'sip:0800123456@pbx.example.com', '0800123456'],
    ['*97', 'sip:*97@pbx.example.com', '*97'],
    ['#31#0301234', 'sip:%2331%230301234@pbx.example.com', '#31#0301234'],
    ['tel:+1-555-0100', 'sip:+15550100@pbx.example.com', '+15550100'],
    ['030\u00a0123', 'sip:030123@pbx.example.com', '030123'],
  ])('%j -> %s', (input, uri, number) => {
    expect(parseDialTarget(input, ACCOUNT)).toMatchObject({ uri, number });
  });

  it('keeps the port of the account address', () => {
    expect(parseDialTarget('1002', 'sip:1001@127.0.0.1:5080').uri).toBe('sip:1002@127.0.0.1:5080');
  });

  it('needs an account address to send numbers to', () => {
    expect(code('1002', '')).toBe('not-configured');
  });
});

describe('SIP addresses', () => {
  it.each([
    ['sip:alice@example.com', 'sip:alice@example.com', 'alice'],
    ['sips:bob@example.com:5061', 'sips:bob@example.com:5061', 'bob'],
    ['SIP:Carol@Example.COM', 'sip:Carol@example.com', 'Carol'],
    ['alice@example.com', 'sip:alice@example.com', 'alice'],
    ['sip:1002@127.0.0.1;transport=ws', 'sip:1002@127.0.0.1;transport=ws', '1002'],
  ])('%j -> %s', (input, uri, number) => {
    expect(parseDialTarget(input, ACCOUNT)).toMatchObject({ uri, number });
  });
});

describe('refused', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['12a4', 'letters in a number'],
    ['call me', 'words'],
    ['+', 'only a plus'],
    ['1+2', 'a plus inside'],
    ['١٢٣٤', 'Arabic-Indic digits'],
    ['１２３', 'full-width digits'],
    ['1'.repeat(MAX_NUMBER_LENGTH + 1), 'a number that is too long'],
    ['javascript:alert(1)', 'javascript:'],
    ['<img src=x onerror=alert(1)>', 'HTML'],
    ['<b>1002</b>', 'HTML around a number'],
    ['sip:1002@pbx\r\nVia: evil', 'CRLF'],
    ['1002\u0000', 'NUL'],
    ['10\u200b02', 'a zero-width space'],
    ['\u202e1002', 'a bidi override'],
    ['sip:a@b?Route=%3Csip:evil%3E', 'URI headers'],
    ['sip:%0d%0aVia:x@h', 'escaped CRLF in the user part'],
    ['sip:example.com', 'a SIP URI without a user'],
    ['mailto:a@b.c', 'another scheme'],
    ['a@b@c', 'two @'],
    ['"Bob" <sip:bob@x>', 'a name-addr'],
    ['tel:+1;phone-context=x', 'tel: with parameters'],
  ])('%j (%s)', (input) => {
    expect(code(input)).toBe('invalid-number');
  });

  it('refuses a 64 KB string quickly, without looking at all of it', () => {
    const huge = '1'.repeat(64 * 1024);
    const t0 = performance.now();
    expect(code(huge)).toBe('invalid-number');
    expect(code(`sip:${'a'.repeat(64 * 1024)}@x`)).toBe('invalid-number');
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('refuses every control character', () => {
    for (let c = 0; c < 0x20; c++) expect(code(`10${String.fromCharCode(c)}02`)).toBe('invalid-number');
    expect(code('10\u007f02')).toBe('invalid-number');
    expect(code('10\u008502')).toBe('invalid-number');
  });
});
