// Reading hold out of an SDP offer: the audio line's direction wins over the session's, other
// media lines are ignored, 0.0.0.0 means hold, and garbage reads as an ordinary call.
import { describe, expect, it } from 'vitest';
import { audioDirection, offerHolds } from '../../../main/core/sip/sdp-direction.ts';

const sdp = (...lines: string[]): string => ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', ...lines].join('\r\n') + '\r\n';

describe('audioDirection', () => {
  it.each([
    [sdp('c=IN IP4 10.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'a=sendonly'), 'sendonly'],
    [sdp('c=IN IP4 10.0.0.1', 'a=inactive', 't=0 0', 'm=audio 4000 RTP/AVP 0'), 'inactive'],
    [sdp('a=sendonly', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'a=sendrecv'), 'sendrecv'],
    [sdp('t=0 0', 'm=video 5000 RTP/AVP 96', 'a=inactive', 'm=audio 4000 RTP/AVP 0', 'a=recvonly'), 'recvonly'],
    [sdp('t=0 0', 'm=audio 4000 RTP/AVP 0', 'a=sendrecv', 'm=audio 4002 RTP/AVP 0', 'a=inactive'), 'sendrecv'],
    [sdp('c=IN IP4 0.0.0.0', 't=0 0', 'm=audio 4000 RTP/AVP 0'), 'inactive'],
    [sdp('c=IN IP4 0.0.0.0', 't=0 0', 'm=audio 4000 RTP/AVP 0', 'c=IN IP4 10.0.0.1'), 'sendrecv'],
    ['', 'sendrecv'],
    ['not sdp at all\na=sendonly', 'sendonly'],
  ])('%#: %j', (body, expected) => {
    expect(audioDirection(body)).toBe(expected);
  });

  it('hold is sendonly or inactive from the offerer', () => {
    expect(offerHolds(sdp('t=0 0', 'm=audio 1 RTP/AVP 0', 'a=sendonly'))).toBe(true);
    expect(offerHolds(sdp('t=0 0', 'm=audio 1 RTP/AVP 0', 'a=recvonly'))).toBe(false);
  });
});
