// The log both hosts write: one line per entry on stderr, so stdout stays free for the one line a
// launcher prints.
import type { Logger } from '../core/ports.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function createConsoleLogger(minLevel: LogLevel = 'info', name = 'hookswitch'): Logger {
  const min = levels.indexOf(minLevel);
  const write =
    (level: LogLevel) =>
    (msg: string, ...rest: unknown[]): void => {
      if (levels.indexOf(level) < min) return;
      console.error(`${new Date().toISOString()} ${level.toUpperCase()} [${name}] ${msg}`, ...rest);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
