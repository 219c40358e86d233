// The dial plan: numbers as the user means them become what the PBX needs, and numbers the PBX
// sends are read back for display and matching.
import { describe, expect, it } from 'vitest';
import { applyDialPlan, classifyNumber, DEFAULT_DIAL_PLAN, readPbxNumber, withoutOutsidePrefix } from '../../../main/core/numbers/dial-plan.ts';
import type { DialPlanSettings } from '../../../main/core/numbers/dial-plan.ts';
import { parseDialTarget } from '../../../main/core/sip/dial-target.ts';

const plan = (change: Partial<DialPlanSettings>): DialPlanSettings => ({ ...DEFAULT_DIAL_PLAN, maxExtensionDigits: 4, ...change });

describe('kinds of numbers', () => {
  it('extensions, service codes, national and international numbers', () => {
    const p = plan({});
    expect(classifyNumber('1003', p, 'DE').kind).toBe('extension');
    expect(classifyNumber('*72', p, 'DE').kind).toBe('service');
    expect(classifyNumber('#31#0301234567', p, 'DE').kind).toBe('service');
    expect(classifyNumber('0301234567', p, 'DE').kind).toBe('national');
    expect(classifyNumber('+49301234567', p, 'DE').kind).toBe('national');
    expect(classifyNumber('+15551234567', p, 'DE').kind).toBe('international');
    expect(classifyNumber('0015551234567', p, 'DE').kind).toBe('international');
    // Without a country only a + says where a number is.
    expect(classifyNumber('+15551234567', p, null).kind).toBe('international');
    expect(classifyNumber('0301234567', p, null).kind).toBe('unknown');
    // Too short for a phone number, too long for an extension.
    expect(classifyNumber('123456', p, 'US').kind).toBe('unknown');
  });
});

describe('what the PBX receives', () => {
  it('as dialled: the digits as given, after the outside-line prefix; extensions and codes untouched', () => {
    const p = plan({ outsideLinePrefix: '0' });
    expect(applyDialPlan('0301234567', p, 'DE')).toEqual({ dial: '00301234567', kind: 'national', e164: '+49301234567' });
    expect(applyDialPlan('+15551234567', p, 'DE').dial).toBe('0+15551234567');
    expect(applyDialPlan('1003', p, 'DE')).toEqual({ dial: '1003', kind: 'extension', e164: null });
    expect(applyDialPlan('*72', p, 'DE').dial).toBe('*72');
  });

  it('E.164: every outside number with its country code', () => {
    const p = plan({ format: 'e164' });
    expect(applyDialPlan('030 1234567'.replace(/\s/g, ''), p, 'DE').dial).toBe('+49301234567');
    expect(applyDialPlan('5551234567', p, 'US').dial).toBe('+15551234567');
    expect(applyDialPlan('1003', p, 'US').dial).toBe('1003');
  });

  it('national: national at home, the country\'s international prefix abroad', () => {
    const p = plan({ format: 'national', outsideLinePrefix: '9' });
    expect(applyDialPlan('+49301234567', p, 'DE').dial).toBe('90301234567');
    expect(applyDialPlan('+15551234567', p, 'DE').dial).toBe('90015551234567');
    expect(applyDialPlan('+442071234567', p, 'US').dial).toBe('9011442071234567');
    expect(applyDialPlan('+8613800138000', p, 'CN').dial).toBe('913800138000');
    // Not a phone number anywhere: sent as given, after the prefix.
    expect(applyDialPlan('123456', p, 'US')).toEqual({ dial: '9123456', kind: 'unknown', e164: null });
  });

  it('reaches the request URI through parseDialTarget, which keeps the number as the user gave it', () => {
    const context = { plan: plan({ format: 'national', outsideLinePrefix: '0' }), country: 'DE' as const };
    expect(parseDialTarget('tel:+49-30-1234567', 'sip:1001@pbx.example.com', context)).toEqual({
      uri: 'sip:00301234567@pbx.example.com',
      number: '+49301234567',
      kind: 'national',
    });
    expect(parseDialTarget('1003', 'sip:1001@pbx.example.com', context).uri).toBe('sip:1003@pbx.example.com');
    expect(parseDialTarget('sip:alice@example.com', 'sip:1001@pbx.example.com', context).kind).toBe('address');
  });
});

describe('numbers the PBX sends', () => {
  it('lose the outside-line prefix when what is left is a phone number', () => {
    const p = plan({ outsideLinePrefix: '0' });
    expect(withoutOutsidePrefix('00301234567', p, 'DE')).toBe('0301234567');
    expect(withoutOutsidePrefix('00015551234567', p, 'DE')).toBe('0015551234567');
    expect(withoutOutsidePrefix('0123', p, 'DE')).toBe('0123');
    expect(withoutOutsidePrefix('+49301234567', p, 'DE')).toBe('+49301234567');
    // In the US "9 145 551 234" is no number without its 9: the 9 is part of it.
    expect(withoutOutsidePrefix('9145551234', plan({ outsideLinePrefix: '9' }), 'US')).toBe('9145551234');
    expect(withoutOutsidePrefix('95551234567', plan({ outsideLinePrefix: '9' }), 'US')).toBe('5551234567');
  });

  it('are read for display and matching the way the screen-pop and the history read them', () => {
    const context = { plan: plan({ outsideLinePrefix: '0' }), country: 'DE' as const };
    expect(readPbxNumber('00301234567', context)).toMatchObject({ e164: '+49301234567', display: '030 1234567' });
    expect(readPbxNumber('00015551234567', context)).toMatchObject({ e164: '+15551234567', display: '+1 555 123 4567' });
    expect(readPbxNumber('1003', context)).toMatchObject({ e164: null, display: '1003' });
  });
});
