import { describe, expect, it } from 'vitest';
import { countryOfLocale, digitsOf, effectiveCountry, looksLikeNumber, normalizeNumber, numberKeys } from '../../../main/core/numbers/phone-number.ts';
import { outcomeOf, splitSearch } from '../../../main/core/history/history-service.ts';
import type { Call } from '../../../preload/contract.ts';
import { makeCall } from '../../support/contract-values.ts';

describe('phone numbers', () => {
  it('normalises to E.164 with the default country, and keeps every digit', () => {
    expect(normalizeNumber('(555) 123-4567', 'US')).toEqual({ e164: '+15551234567', digits: '5551234567', display: '(555) 123-4567' });
    expect(normalizeNumber('+1 555 123 4567', 'DE')).toMatchObject({ e164: '+15551234567', digits: '15551234567', display: '+1 555 123 4567' });
    expect(normalizeNumber('030 1234567', 'DE')).toMatchObject({ e164: '+49301234567', display: '030 1234567' });
    expect(normalizeNumber('tel:+86 138 0013 8000', null)).toMatchObject({ e164: '+8613800138000' });
  });

  it('matches a number with an extension by its main number', () => {
    expect(normalizeNumber('+1-418-555-0101 ext. 102', null)).toMatchObject({ e164: '+14185550101', digits: '14185550101', display: '+1 418 555 0101 ext. 102' });
    expect(normalizeNumber('(555) 123-4567 x89', 'US')).toMatchObject({ e164: '+15551234567', digits: '5551234567' });
    expect(normalizeNumber('+49 30 1234567;ext=12', null).e164).toBe('+49301234567');
    expect(normalizeNumber('fax', null).e164).toBeNull();
  });

  it('leaves extensions, SIP names and text alone', () => {
    expect(normalizeNumber('1002', 'US')).toEqual({ e164: null, digits: '1002', display: '1002' });
    expect(normalizeNumber('alice', 'US')).toEqual({ e164: null, digits: '', display: 'alice' });
    expect(normalizeNumber('5551234567', null).e164).toBeNull();
    expect(normalizeNumber('call 555 now', 'US').e164).toBeNull();
  });

  it('reads digits of other scripts, and never runs away on long input', () => {
    expect(digitsOf('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
    expect(digitsOf('１２３')).toBe('123');
    expect(normalizeNumber('＋１ ５５５ １２３ ４５６７', null).e164).toBe('+15551234567');
    expect(digitsOf('9'.repeat(70_000))).toHaveLength(512);
    expect(looksLikeNumber('+1 (555) 123-4567')).toBe(true);
    expect(looksLikeNumber('')).toBe(false);
  });

  it('gives the same matching keys without formatting the display text', () => {
    const samples = ['(555) 123-4567', '+1 555 123 4567', '030 1234567', '+1 418 555 0101 ext. 102', '1002', 'sip:alice', '＋１ ５５５ １２３ ４５６７', '٠١٢٣٤٥٦٧٨٩', ''];
    for (const country of ['US', 'DE', null] as const) {
      for (const text of samples) {
        const { e164, digits } = normalizeNumber(text, country);
        expect(numberKeys(text, country)).toEqual({ e164, digits });
      }
    }
  });

  it('takes the country from the setting, else from the locale region', () => {
    expect(countryOfLocale('zh-CN')).toBe('CN');
    expect(countryOfLocale('en-Latn-US')).toBe('US');
    expect(countryOfLocale('en')).toBeNull();
    expect(effectiveCountry('', 'de-DE')).toBe('DE');
    expect(effectiveCountry('FR', 'de-DE')).toBe('FR');
    expect(effectiveCountry('ZZ', 'de-DE')).toBe('DE');
  });
});

function ended(patch: Partial<Call>): Call {
  return makeCall({ state: 'ended', remote: { uri: 'sip:1002@x', number: '1002', displayName: '', numberDisplay: '1002' }, endedAt: 10, endReason: 'canceled', ...patch });
}

describe('call outcomes', () => {
  it('from how the call ended', () => {
    expect(outcomeOf(ended({ state: 'established', endedAt: null, endReason: null }))).toBe('in-progress');
    expect(outcomeOf(ended({ answeredAt: 5, endReason: 'remote-hangup' }))).toBe('answered');
    expect(outcomeOf(ended({}))).toBe('missed');
    expect(outcomeOf(ended({ endReason: 'rejected-by-user' }))).toBe('rejected');
    expect(outcomeOf(ended({ direction: 'outgoing', endReason: 'local-hangup' }))).toBe('no-answer');
    expect(outcomeOf(ended({ direction: 'outgoing', endReason: 'busy' }))).toBe('busy');
    expect(outcomeOf(ended({ direction: 'outgoing', endReason: 'declined' }))).toBe('rejected');
    expect(outcomeOf(ended({ direction: 'outgoing', endReason: 'not-found' }))).toBe('failed');
  });
});

describe('search text', () => {
  it('numbers become digits, words stay words', () => {
    expect(splitSearch('(555) 123-4567')).toEqual({ words: [], digits: '5551234567' });
    expect(splitSearch('4567')).toEqual({ words: [], digits: '4567' });
    expect(splitSearch('Ann Lee')).toEqual({ words: ['Ann', 'Lee'], digits: '' });
    expect(splitSearch('Ann 4567')).toEqual({ words: ['Ann'], digits: '4567' });
    expect(splitSearch('   ')).toEqual({ words: [], digits: '' });
  });
});
