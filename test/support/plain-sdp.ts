// A signalling-only audio SDP: plain RTP to the discard port, so nobody sends media. Chromium would
// refuse it (no DTLS fingerprint); two Node UAs with fixed SDP handlers accept it.
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export function plainAudioSdp(sessionId: number, direction: Direction = 'sendrecv', version = 1): string {
  return [
    'v=0',
    `o=- ${String(sessionId)} ${String(version)} IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    'm=audio 9 RTP/AVP 0 101',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    `a=${direction}`,
    '',
  ].join('\r\n');
}
