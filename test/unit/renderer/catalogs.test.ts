// The message catalogs: both locales say everything, every code main can send has a text, and no
// component carries user-visible text of its own.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CallEndReason,
  CallOutcome,
  CallState,
  ImportRowError,
  ErrorCode,
  Locale,
  RegistrationErrorCode,
  RegistrationState,
  SettingsFieldError,
} from '../../../preload/contract.ts';
import { catalogs, resolveLocale, translate } from '../../../renderer/src/i18n/catalog.ts';
import { findLiteralText } from './svelte-markup.ts';

const SRC = fileURLToPath(new URL('../../../renderer/src/', import.meta.url));

function filesUnder(dir: string, suffixes: string[]): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(path, suffixes);
    return suffixes.some((s) => e.name.endsWith(s)) ? [path] : [];
  });
}

const svelteFiles = filesUnder(SRC, ['.svelte']);
const sourceFiles = filesUnder(SRC, ['.svelte', '.ts']);

describe('message catalogs', () => {
  it('have the same keys in every locale', () => {
    const en = Object.keys(catalogs.en).sort();
    for (const locale of Locale.options) {
      expect(Object.keys(catalogs[locale]).sort(), locale).toEqual(en);
    }
  });

  it('use the same {placeholders} for a key in every locale', () => {
    const params = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
    for (const [key, text] of Object.entries(catalogs.en)) {
      expect(params(catalogs['zh-CN'][key] ?? ''), key).toEqual(params(text));
    }
  });

  it('have no empty messages, and the Chinese catalog is Chinese', () => {
    for (const locale of Locale.options) {
      for (const [key, text] of Object.entries(catalogs[locale])) expect(text.trim(), `${locale} ${key}`).not.toBe('');
    }
    const han = Object.values(catalogs['zh-CN']).filter((t) => /\p{Script=Han}/u.test(t)).length;
    expect(han / Object.keys(catalogs['zh-CN']).length).toBeGreaterThan(0.8);
  });

  const codeSets: Array<[string, readonly string[]]> = [
    ['errors', ErrorCode.options],
    ['registration.errors', RegistrationErrorCode.options],
    ['registration.states', RegistrationState.options],
    ['calls.endReasons', CallEndReason.options],
    ['calls.states', CallState.options],
    ['settings.errors', SettingsFieldError.options],
    ['settings.locales', ['auto', ...Locale.options]],
    ['history.outcomes', CallOutcome.options],
    ['contacts.import.codes', ImportRowError.shape.code.options],
  ];
  for (const [prefix, codes] of codeSets) {
    it(`have a message for every ${prefix} code of the contract`, () => {
      for (const locale of Locale.options) {
        for (const code of codes) expect(catalogs[locale][`${prefix}.${code}`], `${locale} ${prefix}.${code}`).toBeTruthy();
      }
    });
  }

  it('contain every literal key the source asks for', () => {
    const missing: string[] = [];
    for (const file of sourceFiles) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)) {
        const key = m[1] ?? '';
        if (!(key in catalogs.en)) missing.push(`${relative(SRC, file)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('translate', () => {
  it('fills placeholders and falls back to English, then to the key', () => {
    expect(translate('en', 'registration.retryIn', { seconds: 5 })).toBe('Retrying in 5 s');
    expect(translate('zh-CN', 'registration.retryIn', { seconds: 5 })).toBe('5 秒后重试');
    expect(translate('zh-CN', 'no.such.key')).toBe('no.such.key');
  });

  it('follows the OS locale when set to auto', () => {
    expect(resolveLocale('auto', 'zh-CN')).toBe('zh-CN');
    expect(resolveLocale('auto', 'zh-TW')).toBe('zh-CN');
    expect(resolveLocale('auto', 'zh')).toBe('zh-CN');
    expect(resolveLocale('auto', 'en-US')).toBe('en');
    expect(resolveLocale('auto', 'de-DE')).toBe('en');
    expect(resolveLocale('en', 'zh-CN')).toBe('en');
    expect(resolveLocale('zh-CN', 'en-US')).toBe('zh-CN');
  });
});

describe('components', () => {
  it('exist (the scan below is not vacuous)', () => {
    expect(svelteFiles.length).toBeGreaterThan(5);
  });

  it('contain no hard-coded user-visible text', () => {
    const found = svelteFiles.flatMap((file) =>
      findLiteralText(readFileSync(file, 'utf8')).map((l) => `${relative(SRC, file)}:${l.line}: ${l.text}`),
    );
    expect(found).toEqual([]);
  });

  it('the scan catches text nodes and visible attributes outside {…}', () => {
    const sample = `<script>const x = 'Hello';</script>
<p>{t('a')} Dial now</p>
<input placeholder="Number" aria-label={t('b')} />
<span>{t('c', { n: '}' })}</span>
{#if x}<b>{x}</b>{:else}<i>·</i>{/if}`;
    expect(findLiteralText(sample).map((l) => l.text)).toEqual(['Dial now', 'placeholder="Number"']);
  });

  it('never render HTML from data ({@html} is banned: caller names are text)', () => {
    const offenders = svelteFiles.filter((f) => /\{@html\b/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('show the remote party only through text interpolation', () => {
    const card = readFileSync(join(SRC, 'components/CallCard.svelte'), 'utf8');
    expect(card).toMatch(/data-testid="call-remote-name">\{name\}</);
    expect(card).toMatch(/data-testid="call-remote-number">\{number\}</);
    for (const file of sourceFiles) {
      const text = readFileSync(file, 'utf8');
      expect(/\.innerHTML\s*=|insertAdjacentHTML|outerHTML\s*=/.test(text), relative(SRC, file)).toBe(false);
    }
  });

  it('never import Node built-ins or electron', () => {
    for (const file of sourceFiles) {
      const text = readFileSync(file, 'utf8');
      const imports = [...text.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2] ?? '');
      for (const spec of imports) {
        expect(/^(node:|electron$|fs$|path$|os$|child_process$|net$|http$)/.test(spec), `${relative(SRC, file)} imports ${spec}`).toBe(false);
      }
    }
  });
});
