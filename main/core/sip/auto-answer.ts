// Whether an incoming INVITE asks to be answered by itself (intercom, paging), and after how long:
// Call-Info with answer-after (Cisco, Asterisk, FreeSWITCH), Alert-Info naming auto-answer or
// intercom (Polycom, Snom, Yealink), or Answer-Mode: Auto (RFC 5373). Caller-supplied text.
import type { Core } from 'sip.js';

/** The longest delay an INVITE may ask for; beyond it the call just rings. */
export const MAX_ANSWER_AFTER_S = 10;

/** Seconds to wait before answering, or null when the INVITE does not ask. */
export function answerAfterRequested(request: Core.IncomingRequestMessage): number | null {
  for (const value of request.getHeaders('call-info')) {
    const m = /;\s*answer-after\s*=\s*(\d+)/i.exec(value);
    if (m) {
      const seconds = Number(m[1]);
      return seconds <= MAX_ANSWER_AFTER_S ? seconds : null;
    }
  }
  for (const value of request.getHeaders('alert-info')) {
    if (/auto[\s_-]?answer|intercom/i.test(value)) return 0;
  }
  const mode = request.getHeader('answer-mode');
  if (mode !== undefined && /^\s*auto\b/i.test(mode)) return 0;
  return null;
}
