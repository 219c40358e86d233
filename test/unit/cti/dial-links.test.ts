// Numbers from outside: links, command-line arguments and free text. What is not plainly a number
// or a SIP address is refused with a reason; what passes is something parseDialTarget accepts.
// Attacks and a seeded fuzz run check that nothing else gets through.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../main/core/errors.ts';
import { MAX_LINK_LENGTH, numberInText, parseDialArgument, parseDialLink } from '../../../main/core/cti/dial-links.ts';
import { DEFAULT_DIAL_PLAN } from '../../../main/core/numbers/dial-plan.ts';
import { parseDialTarget } from '../../../main/core/sip/dial-target.ts';

const DE = { plan: { ...DEFAULT_DIAL_PLAN, maxExtensionDigits: 4 }, country: 'DE' as const };
const ACCOUNT = 'sip:1001@pbx.example.com';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('invalid-number');
    return (err as AppError).message;
  }
  throw new Error('accepted');
}

describe('links', () => {
  it.each([
    ['tel:+1-555-123-4567', '+15551234567'],
    ['tel://+15551234567', '+15551234567'],
    ['TEL:+49 30 1234567', '+49301234567'],
    ['tel:%2B49%2030%201234567', '+49301234567'],
    ['tel:(030)%201234567', '0301234567'],
    ['tel:*31%2330123', '*31#30123'],
    ['callto:+4930123456', '+4930123456'],
    ['callto://+4930123456', '+4930123456'],
    ['sip:alice@example.com', 'sip:alice@example.com'],
    ['SIPS:bob@pbx.example.com:5061', 'sips:bob@pbx.example.com:5061'],
  ])('%s is the number %s', (link, target) => {
    const found = parseDialLink(link);
    expect(found.target).toBe(target);
    expect(() => parseDialTarget(found.target, ACCOUNT, DE)).not.toThrow();
  });

  it.each([
    ['tel:+15551234567;ext=22', 'parameters'],
    ['tel:5551234;phone-context=example.com', 'parameters'],
    ['tel:+15551234567?body=hi', 'headers'],
    ['sip:alice@example.com?Route=%3Csip:evil.example%3E', 'headers'],
    ['sip:alice@example.com;maddr=203.0.113.9', 'parameters'],
    ['sip:alice@example.com;transport=tcp', 'parameters'],
    ['sip:example.com', 'not user@host'],
    ['sip:alice@exa mple.com', 'not user@host'],
    ['javascript:alert(1)', 'not phone numbers'],
    ['JavaScript://%0Aalert(1)', 'not phone numbers'],
    ['data:text/html,<script>alert(1)</script>', 'not phone numbers'],
    ['file:///etc/passwd', 'not phone numbers'],
    ['http://evil.example/tel:+15551234567', 'not phone numbers'],
    ['vbscript:msgbox', 'not phone numbers'],
    ['+15551234567', 'not a link'],
    ['tel:', 'without a phone number'],
    ['tel:+', 'without a phone number'],
    ['tel:call-me', 'without a phone number'],
    ['callto:skype.name', 'without a phone number'],
    ['tel:١٢٣٤٥٦٧', 'another script'],
    ['tel:+49３０1234567', 'another script'],
    ['tel:%E0%A5%A7%E0%A5%A8%E0%A5%A9', 'another script'],
    ['tel:+1555%0D%0AVia:%20evil', 'control or invisible'],
    ['tel:+1555\u202e4321', 'control or invisible'],
    ['tel:+1555\u200b1234', 'control or invisible'],
    ['tel:%ZZ', 'percent-encoding'],
    ['tel:+1' + '5'.repeat(40), 'too long'],
  ])('%s is refused (%s)', (link, why) => {
    expect(refusal(() => parseDialLink(link))).toContain(why);
  });

  it('refuses 64 KB without reading it', () => {
    const huge = `tel:+${'9'.repeat(64 * 1024)}`;
    const started = performance.now();
    expect(refusal(() => parseDialLink(huge))).toContain('too long');
    expect(huge.length).toBeGreaterThan(MAX_LINK_LENGTH);
    // Not a timing assertion on the machine: a bound that only a scan of every byte could reach.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('command-line arguments', () => {
  it('take a number with separators, or a link', () => {
    expect(parseDialArgument('+49 30 1234567').target).toBe('+49301234567');
    expect(parseDialArgument('1003').target).toBe('1003');
    expect(parseDialArgument('tel:+4930123456').target).toBe('+4930123456');
    expect(refusal(() => parseDialArgument('rm -rf /'))).toContain('not a phone number');
    expect(refusal(() => parseDialArgument('１２３'))).toContain('another script');
    expect(refusal(() => parseDialArgument(''))).toContain('not a phone number');
  });
});

describe('free text', () => {
  it.each([
    ['Call me at +1 (555) 123-4567 tomorrow', '+15551234567'],
    ['Tel: +49 (0)30 1234567', '+49301234567'],
    ['Tel 030 1234567 2026-12-06', '0301234567'],
    ['on 2026-12-06 at 10:30 call 1003', '1003'],
    ['Ｔｅｌ：０３０ １２３４５６７', '0301234567'],
    ['Fax 030-1234567; Tel 030-7654321', '0301234567'],
    ['see tel:+4930123456. thanks', '+4930123456'],
    ['ring sip:bob@pbx.example.com, please', 'sip:bob@pbx.example.com'],
    ['  1003  ', '1003'],
  ])('%j gives %s', (text, target) => {
    expect(numberInText(text, DE).target).toBe(target);
  });

  it.each([
    ['nothing here'],
    ['12 apples'],
    ['2026-12-06'],
    ['10:30'],
    ['Ref 12345678901234567890123456789012345'],
    ['+1 555 ١٢٣ 4567 mixes scripts'],
    [''],
  ])('%j has no number', (text) => {
    expect(refusal(() => numberInText(text, DE))).toContain('no phone number');
  });

  it('looks at the first 4 KB of a long selection only', () => {
    expect(numberInText(`${'x '.repeat(100)}030 1234567`, DE).target).toBe('0301234567');
    expect(refusal(() => numberInText(`${'x'.repeat(5000)} 030 1234567`, DE))).toContain('no phone number');
  });
});

describe('fuzzing', () => {
  // A small deterministic generator, so a failure repeats.
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }
  const ALPHABET = ['tel:', 'sip:', 'sips:', 'callto:', '//', '+', '-', ' ', '(', ')', ';', '?', '=', '@', '%', '%0a', '%2B', '#', '*', ':', '.', 'ext', 'a', 'é', '٣', '３', '\u200b', '\u202e', '\n', '\0', 'javascript:', ...Array.from({ length: 10 }, (_, i) => String(i))];

  function randomText(next: () => number): string {
    let out = '';
    const parts = 1 + Math.floor(next() * 24);
    for (let i = 0; i < parts; i++) out += ALPHABET[Math.floor(next() * ALPHABET.length)] ?? '';
    return out;
  }

  it('20,000 generated links, arguments and texts: a number parseDialTarget takes, or invalid-number', () => {
    const next = rng(0x5eed);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = randomText(next);
      for (const parse of [() => parseDialLink(text), () => parseDialArgument(text), () => numberInText(text, DE)]) {
        let target: string;
        try {
          target = parse().target;
        } catch (err) {
          expect(err, text).toBeInstanceOf(AppError);
          expect((err as AppError).code, text).toBe('invalid-number');
          continue;
        }
        accepted++;
        // Whatever passes is plain: ASCII, no controls, no parameters or headers, and it dials.
        expect(target, text).toMatch(/^(\+?[0-9*#]{1,32}|sips?:[^;?\s]+@[A-Za-z0-9.-]+(:\d+)?)$/);
        expect(() => parseDialTarget(target, ACCOUNT, DE), text).not.toThrow();
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });
});
