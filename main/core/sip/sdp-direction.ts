// The media direction an SDP offer states for its audio, as far as hold is concerned: the first
// audio m-line's direction attribute, else the session-level one, else sendrecv (RFC 3264). A
// connection address of 0.0.0.0 (at session or audio level) is the old RFC 2543 way of saying hold.
export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/;
const CONNECTION = /^c=IN IP[46] (\S+)/;

export function audioDirection(sdp: string): SdpDirection {
  let session: SdpDirection | null = null;
  let sessionAddress: string | null = null;
  let audio: SdpDirection | null = null;
  let audioAddress: string | null = null;
  let section: 'session' | 'audio' | 'other' = 'session';
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      if (section === 'audio') break;
      section = line.startsWith('m=audio') ? 'audio' : 'other';
      continue;
    }
    if (section === 'other') continue;
    const address = CONNECTION.exec(line)?.[1];
    if (address !== undefined) {
      if (section === 'audio') audioAddress = address;
      else sessionAddress = address;
      continue;
    }
    const direction = DIRECTION.exec(line)?.[1] as SdpDirection | undefined;
    if (direction === undefined) continue;
    if (section === 'audio') audio = direction;
    else session = direction;
  }
  if ((audioAddress ?? sessionAddress) === '0.0.0.0') return 'inactive';
  return audio ?? session ?? 'sendrecv';
}

/** The offerer put us on hold: it will not send to us (sendonly: music on hold; inactive: silence). */
export function offerHolds(sdp: string): boolean {
  const direction = audioDirection(sdp);
  return direction === 'sendonly' || direction === 'inactive';
}
