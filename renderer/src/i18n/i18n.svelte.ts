// The active locale, reactive: components call i18n.t(key, params) and re-render when the user
// switches language in the settings (applied at once, before or without saving).
import type { Locale } from '../../../preload/contract.ts';
import { plural, resolveLocale, translate, type MessageParams } from './catalog.ts';

export interface LocaleSource {
  preference: 'auto' | Locale;
  systemLocale: string;
}

export class I18n {
  /** A locale picked in the settings form but not saved yet; wins over the saved one. */
  preview = $state<'auto' | Locale | null>(null);
  readonly #source: () => LocaleSource;

  readonly locale: Locale = $derived.by(() => {
    const { preference, systemLocale } = this.#source();
    return resolveLocale(this.preview ?? preference, systemLocale);
  });

  constructor(source: () => LocaleSource) {
    this.#source = source;
  }

  readonly t = (key: string, params?: MessageParams): string => translate(this.locale, key, params);
  /** A counted phrase in the right plural form: n('screenPop.calls', 3) is "3 calls". */
  readonly n = (key: string, count: number, params?: MessageParams): string => plural(this.locale, key, count, params);
}
