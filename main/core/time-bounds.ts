// Waiting with a bound, on the core's clock: every wait on the network or on the media engine
// ends, so stop() and the commands always return.
import type { Clock } from './ports.ts';

/** Resolves 'done' when `work` settles (fulfilled or rejected), or 'timeout' after `ms`. */
export function settleWithin(work: Promise<unknown>, ms: number, clock: Clock): Promise<'done' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => {
      resolve('timeout');
    }, ms);
    const finish = (): void => {
      clock.clearTimeout(timer);
      resolve('done');
    };
    work.then(finish, finish);
  });
}

/** The value of `work`, or 'timeout' after `ms`; a rejection passes through. */
export function resultWithin<T>(work: Promise<T>, ms: number, clock: Clock): Promise<T | 'timeout'> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      resolve('timeout');
    }, ms);
    work.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clock.clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
