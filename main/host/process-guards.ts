// The last line of defence in each host's process: an error nobody caught (a throw inside a
// sip.js or ws callback, a promise nobody awaited) is logged with its stack, and the process keeps
// running. Ending the process would drop every call and the registration at once; the one broken
// transaction is the lesser harm, and the log says where to look.
import type { Logger } from '../core/ports.ts';

/** The part of `process` this needs; tests pass an EventEmitter. */
export interface ProcessEvents {
  on(event: 'uncaughtException', listener: (err: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException', listener: (err: Error) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

/** The error as one log argument: its stack (which starts with name and message) when it has one. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  try {
    // undefined, functions and symbols have no JSON: stringify returns undefined for them.
    const json = JSON.stringify(err) as string | undefined;
    return `non-error value: ${json ?? String(err)}`;
  } catch {
    return `non-error value: ${String(err)}`;
  }
}

/** stdout or stderr went away (the terminal closed): logging it would only raise it again. */
function isBrokenPipe(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'EPIPE';
}

/**
 * Installs one 'uncaughtException' and one 'unhandledRejection' listener on `target` that log and
 * return, so the process stays up. Returns a function that removes them.
 */
export function keepRunningOnUncaughtErrors(target: ProcessEvents, logger: Logger): () => void {
  const report = (kind: string, err: unknown): void => {
    if (isBrokenPipe(err)) return;
    try {
      logger.error(`${kind} (the process keeps running): ${describeError(err)}`);
    } catch {
      // A listener that throws would end the process, which is what this exists to prevent.
    }
  };
  const onException = (err: Error): void => {
    report('uncaught exception', err);
  };
  const onRejection = (reason: unknown): void => {
    report('unhandled promise rejection', reason);
  };
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}
