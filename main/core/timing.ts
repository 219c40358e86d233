// Every time bound the core keeps, in one place: production uses the defaults, tests shrink them
// (CoreOptions.timing) so that a retry or a lingering call does not cost seconds.

export interface CoreTiming {
  /** Longest wait for the WebSocket to open; then the attempt counts as 'unreachable'. */
  connectTimeoutMs: number;
  /** A REGISTER (including its authenticated retry) unanswered after this is a 'timeout'. */
  registerTimeoutMs: number;
  /** Bound on the un-REGISTER sent by `account:unregister` and by stop(). */
  unregisterTimeoutMs: number;
  /** Bound on stopping the user agent after unregistering (BYE for calls, closing the socket). */
  stopTimeoutMs: number;
  /** First delay between automatic attempts; it doubles per failed attempt up to retryMaxMs. */
  retryInitialMs: number;
  /** The cap (with the jitter, 2.4 s) keeps re-registration within 3 s of the server's return. */
  retryMaxMs: number;
  /** While the account has calls in progress the cap is lower still: a call is waiting to be recovered. */
  retryWithCallsMaxMs: number;
  /** An ICE-restart re-INVITE that failed (the far end not re-registered yet) is tried again this often. */
  iceRestartRetryMs: number;
  /** How many times an ICE restart is tried before the call is left as it is. */
  iceRestartAttempts: number;
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter]. */
  retryJitter: number;
  /** How long an ended call stays in `calls:changed`, so the UI can say why it ended. */
  endedCallLingerMs: number;
  /** Passed to the media engine: how long ICE gathering may delay an offer or answer. */
  iceGatheringTimeoutMs: number;
  /** Bound on an in-dialog request we wait for: a hold re-INVITE, one DTMF INFO. */
  inDialogTimeoutMs: number;
  /** While registered, a keep-alive goes over the WebSocket this often. */
  keepAliveIntervalMs: number;
  /** A keep-alive unanswered this long means the connection died silently: reconnect. */
  keepAliveTimeoutMs: number;
  /** A transfer with no final NOTIFY after this failed: the call goes back to the user. */
  transferTimeoutMs: number;
  /** After a successful attended transfer, how long the transfer target has to end our consultation call itself. */
  consultHandoverMs: number;
  /** How long a transfer the other side asked for waits for the user (the REFER must be answered within 32 s). */
  referAskTimeoutMs: number;
}

export const defaultTiming: CoreTiming = {
  connectTimeoutMs: 5000,
  registerTimeoutMs: 5000,
  unregisterTimeoutMs: 2000,
  stopTimeoutMs: 2000,
  retryInitialMs: 500,
  retryMaxMs: 2000,
  retryWithCallsMaxMs: 1000,
  iceRestartRetryMs: 1000,
  iceRestartAttempts: 5,
  retryJitter: 0.2,
  endedCallLingerMs: 5000,
  iceGatheringTimeoutMs: 300,
  inDialogTimeoutMs: 10_000,
  keepAliveIntervalMs: 20_000,
  keepAliveTimeoutMs: 10_000,
  transferTimeoutMs: 30_000,
  consultHandoverMs: 2000,
  referAskTimeoutMs: 25_000,
};
