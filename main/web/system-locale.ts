// The OS locale for the web host (Electron asks the OS through app.getPreferredSystemLanguages).

/** "zh_CN.UTF-8" -> "zh-CN"; null for C/POSIX or anything that is not a language tag. */
export function localeFromPosix(value: string | undefined): string | null {
  if (!value) return null;
  const base = value.split(/[.@]/)[0] ?? '';
  if (base === '' || base === 'C' || base === 'POSIX') return null;
  const tag = base.replace('_', '-');
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

/** The OS locale as a BCP 47 tag: the POSIX locale variables first (what the desktop session set), then ICU's default. */
export function systemLocale(env: NodeJS.ProcessEnv = process.env): string {
  return (
    localeFromPosix(env.LC_ALL) ??
    localeFromPosix(env.LC_MESSAGES) ??
    localeFromPosix(env.LANG) ??
    Intl.DateTimeFormat().resolvedOptions().locale
  );
}
