// Message catalogs and the pure parts of translation; i18n.svelte.ts adds the reactive locale.
// Catalogs are nested JSON for editing and flattened to dotted keys ("calls.states.incoming").
import type { Locale } from '../../../preload/contract.ts';
import en from './en.json';
import zhCN from './zh-CN.json';

export type Catalog = Readonly<Record<string, string>>;
export type MessageParams = Readonly<Record<string, string | number>>;

interface NestedCatalog {
  [key: string]: string | NestedCatalog;
}

export function flattenCatalog(tree: NestedCatalog, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out[path] = value;
    else flattenCatalog(value, path, out);
  }
  return out;
}

export const catalogs: Readonly<Record<Locale, Catalog>> = {
  en: flattenCatalog(en),
  'zh-CN': flattenCatalog(zhCN),
};

/** 'auto' follows the OS: any Chinese locale gets Simplified Chinese, everything else English. */
export function resolveLocale(preference: 'auto' | Locale, systemLocale: string): Locale {
  if (preference !== 'auto') return preference;
  return systemLocale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** The message for key in the locale, with {name} placeholders filled; English, then the key, as fallbacks. */
export function translate(locale: Locale, key: string, params?: MessageParams): string {
  const template = catalogs[locale][key] ?? catalogs.en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/**
 * A count in words: the key's plural form for the locale (`key.one`, `key.other`, ... as
 * Intl.PluralRules names them), with {count} filled; `key.other` when the form is missing.
 */
const pluralRules = new Map<Locale, Intl.PluralRules>();

export function plural(locale: Locale, key: string, count: number, params?: MessageParams): string {
  let rules = pluralRules.get(locale);
  if (rules === undefined) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  const form = `${key}.${rules.select(count)}`;
  return translate(locale, form in catalogs[locale] || form in catalogs.en ? form : `${key}.other`, { count, ...params });
}
