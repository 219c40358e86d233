// Who is calling, from an incoming INVITE: P-Asserted-Identity when the PBX asserts one, else
// From. The values are caller-supplied text: they stay plain strings (the UI renders them as
// text), with controls and bidi overrides removed so a name cannot disguise itself.
import { Grammar } from 'sip.js';
import type { Core, NameAddrHeader } from 'sip.js';
import type { Call } from '../../../preload/contract.ts';
import { plainText } from '../plain-text.ts';

/** Who the other party is, from SIP; the call service adds how the number reads. */
export type RemoteParty = Omit<Call['remote'], 'numberDisplay'>;

const MAX_NAME = 128;
const MAX_URI = 512;

interface Identity {
  displayName: string;
  number: string;
  uri: string;
}

function fromNameAddr(header: NameAddrHeader): Identity {
  // sip.js leaves the name undefined (its type says string) for `<sip:1002@pbx>`, the most
  // common From of all: no name, and the UI shows the number.
  const name = header.displayName as string | undefined;
  return {
    // sip.js keeps the quoted-pairs of a quoted display name ("Bob \"B\"").
    displayName: (name ?? '').replace(/\\(.)/g, '$1'),
    number: header.uri.user ?? '',
    uri: header.uri.toString(),
  };
}

// sip.js's grammar does not parse tel: URIs, which PBXs often assert (<tel:+4930123>).
const TEL = /^\s*(?:"((?:[^"\\]|\\.)*)"\s*|([^<"]*?)\s*)?<tel:([^;>]+)[^>]*>/i;

function parseAssertedIdentity(value: string): Identity | undefined {
  const nameAddr = Grammar.nameAddrHeaderParse(value);
  if (nameAddr) return fromNameAddr(nameAddr);
  const tel = TEL.exec(value);
  if (!tel) return undefined;
  const number = tel[3] ?? '';
  return { displayName: (tel[1] ?? tel[2] ?? '').replace(/\\(.)/g, '$1'), number, uri: `tel:${number}` };
}

/** The remote party of an incoming INVITE. */
export function remotePartyOf(request: Core.IncomingRequestMessage): RemoteParty {
  const from = fromNameAddr(request.from);
  const paiHeader = request.getHeader('P-Asserted-Identity');
  // Several identities may be asserted (sip: and tel:); the first one that parses wins.
  const asserted = paiHeader === undefined ? undefined : parseAssertedIdentity(paiHeader.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)[0] ?? '');
  const identity: Identity = asserted
    ? {
        displayName: asserted.displayName || from.displayName,
        number: asserted.number || from.number,
        uri: asserted.uri.startsWith('tel:') ? from.uri : asserted.uri,
      }
    : from;
  return {
    displayName: plainText(identity.displayName, MAX_NAME),
    number: plainText(identity.number, MAX_NAME),
    uri: plainText(identity.uri, MAX_URI),
  };
}

/**
 * A new identity for the other party from a mid-call message (a re-INVITE or UPDATE from them, or
 * the answer to our INVITE): P-Asserted-Identity when present, else a display name in `header`
 * (From of their request, To of their answer, RFC 4916) that differs from the one shown. Null when
 * nothing says who they are now.
 */
export function changedIdentity(
  current: RemoteParty,
  message: Core.IncomingRequestMessage | Core.IncomingResponseMessage,
  header: 'from' | 'to',
): RemoteParty | null {
  const paiHeader = message.getHeader('P-Asserted-Identity');
  const asserted = paiHeader === undefined ? undefined : parseAssertedIdentity(paiHeader.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)[0] ?? '');
  let next: RemoteParty;
  if (asserted) {
    next = {
      displayName: plainText(asserted.displayName, MAX_NAME) || current.displayName,
      number: plainText(asserted.number, MAX_NAME) || current.number,
      uri: asserted.uri.startsWith('tel:') ? current.uri : plainText(asserted.uri, MAX_URI),
    };
  } else {
    const name = plainText(fromNameAddr(message[header]).displayName, MAX_NAME);
    if (name === '') return null;
    next = { ...current, displayName: name };
  }
  const same = next.displayName === current.displayName && next.number === current.number && next.uri === current.uri;
  return same ? null : next;
}
