// Small pieces both hosts share: a console logger, a time bound for shutdown, the OS locale and
// the package version. Nothing here imports electron.
import { readFileSync } from 'node:fs';
import type { Logger } from '../core/ports.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';
const levels: readonly Level[] = ['debug', 'info', 'warn', 'error'];

/** Log lines go to stderr, so stdout stays free for the one line a launcher prints. */
export function createConsoleLogger(minLevel: Level = 'info', name = 'hookswitch'): Logger {
  const min = levels.indexOf(minLevel);
  const write =
    (level: Level) =>
    (msg: string, ...rest: unknown[]): void => {
      if (levels.indexOf(level) < min) return;
      console.error(`${new Date().toISOString()} ${level.toUpperCase()} [${name}] ${msg}`, ...rest);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** Waits for `work` at most `ms`; shutdown must never hang on a server that does not answer. */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<'done' | 'failed' | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => 'done' as const, () => 'failed' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

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

/**
 * The version in package.json. Both the sources (main/web/*.ts) and the bundles (dist/main/*.mjs)
 * sit two folders below the package root, so one relative URL serves both.
 */
export function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string') {
      return parsed.version;
    }
  } catch {
    // Fall through: a missing version must not stop the app.
  }
  return '0.0.0';
}

/** dist/renderer, found the same way as package.json (see packageVersion). */
export function defaultRendererDir(): URL {
  return new URL('../../dist/renderer/', import.meta.url);
}
