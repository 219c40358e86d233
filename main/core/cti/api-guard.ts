// What stands between the local API and everything else on the machine. The API listens on
// 127.0.0.1 only, but a web page in any browser can send requests there, and a DNS-rebinding page
// can even read the answers. So every request must:
// - name 127.0.0.1:<port> or localhost:<port> as its Host (a rebinding page sends its own name);
// - come from no web page at all (no Origin header), or from one IT allowed (settings api.allowedOrigins);
// - carry the bearer token (compared in constant time);
// - stay within the request limits (size, rate). Failed tokens are counted: after a burst of them
//   every request without the right token waits out a lockout.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../ports.ts';

/** Compares secrets in constant time; hashing first makes the lengths equal. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

export const LOOPBACK = '127.0.0.1';

export function hostAllowed(host: string | undefined, port: number): boolean {
  const value = (host ?? '').toLowerCase();
  return value === `${LOOPBACK}:${port}` || value === `localhost:${port}`;
}

/**
 * An origin as browsers send it (scheme://host[:port], lower case, no path), or null when the text
 * is not one. Plain http is accepted only for the machine itself; a CRM elsewhere must use https.
 */
export function normalizeOrigin(text: string): string | null {
  if (text.length > 256 || /[\s/]$/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.origin === 'null' || url.username !== '' || url.password !== '') return null;
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || text.endsWith('/')) return null;
  if (url.protocol === 'https:') return url.origin;
  if (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return url.origin;
  return null;
}

export type OriginVerdict = 'none' | 'allowed' | 'refused';

/** No Origin: not a web page (curl, a CRM's server, a desktop program). Otherwise it must be listed. */
export function originVerdict(origin: string | undefined, allowed: readonly string[]): OriginVerdict {
  if (origin === undefined) return 'none';
  const normalized = normalizeOrigin(origin);
  return normalized !== null && allowed.includes(normalized) ? 'allowed' : 'refused';
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerOf(authorization: string | undefined): string | null {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,256})$/.exec(authorization ?? '');
  return match?.[1] ?? null;
}

/** The WebSocket subprotocol a browser offers the token in (it cannot set Authorization). */
export const BEARER_PROTOCOL_PREFIX = 'bearer.';
export const API_PROTOCOL = 'hookswitch.v1';

/** The token among the offered subprotocols (`hookswitch.v1, bearer.<token>`), or null. */
export function bearerOfProtocols(header: string | undefined): string | null {
  for (const offered of (header ?? '').split(',')) {
    const value = offered.trim();
    if (value.startsWith(BEARER_PROTOCOL_PREFIX)) return value.slice(BEARER_PROTOCOL_PREFIX.length) || null;
  }
  return null;
}

/** Requests per second, with a burst: a CRM clicking fast passes, a loop does not. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.at = clock.now();
  }

  take(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole seconds until the next request would pass (Retry-After). */
  retryAfterS(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond));
  }
}

/** After `limit` wrong or missing tokens within the window, requests without the right token wait out the lockout. */
export class AuthFailures {
  private failures: number[] = [];
  private lockedUntil = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limit = 10,
    private readonly windowMs = 60_000,
    private readonly lockoutMs = 60_000,
  ) {}

  locked(): boolean {
    return this.clock.now() < this.lockedUntil;
  }

  record(): void {
    const now = this.clock.now();
    this.failures = this.failures.filter((t) => now - t < this.windowMs);
    this.failures.push(now);
    if (this.failures.length >= this.limit) {
      this.lockedUntil = now + this.lockoutMs;
      this.failures = [];
    }
  }

  retryAfterS(): number {
    return Math.max(1, Math.ceil((this.lockedUntil - this.clock.now()) / 1000));
  }
}
