// What a final error response to REGISTER means for the account: stop until the user acts
// ('failed'), or try again after a backoff ('retry').
import type { AccountStatus } from '../../../preload/contract.ts';

export type AccountError = NonNullable<AccountStatus['error']>;

export interface RegisterVerdict {
  action: 'fail' | 'retry';
  error: AccountError;
}

export interface RegisterContext {
  /** A password is configured (sip.js answers a challenge only then). */
  hasPassword: boolean;
  /** The rejected REGISTER carried credentials (it followed a challenge). */
  credentialsSent: boolean;
  /** The WebSocket is still up; sip.js reports a failed send as an internal 503. */
  transportConnected: boolean;
}

export function classifyRegisterFailure(status: number, ctx: RegisterContext): RegisterVerdict {
  if (status === 401 || status === 407) {
    // Never loop on a bad password: one credentialed REGISTER, then stop until the user acts.
    if (ctx.credentialsSent) return { action: 'fail', error: { code: 'wrong-credentials', status } };
    if (!ctx.hasPassword) return { action: 'fail', error: { code: 'no-password', status } };
    return { action: 'fail', error: { code: 'rejected', status, detail: 'challenge could not be answered' } };
  }
  if (status === 403) return { action: 'fail', error: { code: 'wrong-credentials', status } };
  if (status === 408) return { action: 'retry', error: { code: 'timeout', status } };
  if (status === 480 || (status >= 500 && status <= 599)) {
    if (!ctx.transportConnected) return { action: 'retry', error: { code: 'unreachable' } };
    return { action: 'retry', error: { code: 'rejected', status } };
  }
  return { action: 'fail', error: { code: 'rejected', status } };
}
