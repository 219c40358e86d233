// The body of a transfer's NOTIFY (RFC 3515): a message/sipfrag whose first line is the status
// line of the response the transfer target gave, e.g. "SIP/2.0 180 Ringing". Caller-supplied:
// anything else reads as no status.

/** The status code of a sipfrag body, or null when it is not one. */
export function sipfragStatus(body: string): number | null {
  const m = /^\s*SIP\/2\.0\s+([1-6]\d\d)(?:\s|$)/.exec(body);
  return m ? Number(m[1]) : null;
}
