// Call quality from WebRTC's getStats, as the quality panel shows it: the ICE path (host, srflx,
// prflx, relay, and the protocol), round-trip time, jitter, packet loss both ways, an estimated
// MOS, and a plain-language diagnosis when audio flows one way only. Pure: it reads two
// successive stats snapshots (plain objects), so it is tested without a browser.
//
// The MOS is the simplified ITU-T G.107 E-model most WebRTC monitors use: one-way delay d = RTT/2
// + jitter-buffer delay + 20 ms packetisation; Id = 0.024 d + 0.11 (d - 177.3) H(d - 177.3);
// Ie_eff = Ie + (95 - Ie) Ppl / (Ppl + Bpl) with Ie = 0, Bpl = 25 (Opus with concealment);
// R = 93.2 - Id - Ie_eff; MOS = 1 + 0.035 R + 7e-6 R (R - 60) (100 - R).

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay' | 'unknown';

export type Diagnosis =
  /** Both ways, nothing to say. */
  | 'ok'
  /** No ICE path: no audio either way. */
  | 'no-path'
  /** We send, nothing arrives: the user cannot hear the other party. */
  | 'no-incoming-audio'
  /** Audio arrives, the other side reports receiving none of ours: they cannot hear the user. */
  | 'no-outgoing-audio'
  /** Nothing leaves this machine although the call is not muted or held: a microphone problem. */
  | 'not-sending'
  | 'high-loss'
  | 'high-latency'
  | 'high-jitter';

export interface CallQuality {
  path: { local: CandidateType; remote: CandidateType; protocol: string; relayProtocol: string | null } | null;
  /** Milliseconds; null until measured. */
  rttMs: number | null;
  jitterMs: number | null;
  /** Percent of packets lost over the last interval, from us (what we receive) and to them (their report). */
  lossInPercent: number | null;
  lossOutPercent: number | null;
  /** 1 (bad) to 4.5 (excellent); null until there is something to estimate from. */
  mos: number | null;
  diagnosis: Diagnosis;
  /** Bytes moved in the last interval. */
  bytesInDelta: number;
  bytesOutDelta: number;
}

/** One stats entry as getStats reports it (only what we read). */
export interface StatsEntry {
  id: string;
  type: string;
  kind?: string;
  state?: string;
  selected?: boolean;
  nominated?: boolean;
  localCandidateId?: string;
  remoteCandidateId?: string;
  selectedCandidatePairId?: string;
  candidateType?: string;
  protocol?: string;
  relayProtocol?: string;
  currentRoundTripTime?: number;
  roundTripTime?: number;
  jitter?: number;
  packetsLost?: number;
  packetsReceived?: number;
  packetsSent?: number;
  bytesReceived?: number;
  bytesSent?: number;
  fractionLost?: number;
  jitterBufferDelay?: number;
  jitterBufferEmittedCount?: number;
}

/** What the call is doing, which decides what counts as a problem. */
export interface CallCondition {
  /** Held either way, or muted: silence one way is expected then. */
  held: boolean;
  muted: boolean;
  /** Seconds covered by the two snapshots (a gap shorter than this is no gap). */
  intervalS: number;
}

const CANDIDATE_TYPES: readonly CandidateType[] = ['host', 'srflx', 'prflx', 'relay'];

function candidateType(value: string | undefined): CandidateType {
  return (CANDIDATE_TYPES as readonly string[]).includes(value ?? '') ? (value as CandidateType) : 'unknown';
}

function byType(entries: readonly StatsEntry[], type: string, kind?: string): StatsEntry[] {
  return entries.filter((e) => e.type === type && (kind === undefined || e.kind === undefined || e.kind === kind));
}

function sum(entries: readonly StatsEntry[], key: keyof StatsEntry): number {
  return entries.reduce((n, e) => n + (typeof e[key] === 'number' ? e[key] : 0), 0);
}

function selectedPair(entries: readonly StatsEntry[]): StatsEntry | undefined {
  const transport = entries.find((e) => e.type === 'transport' && e.selectedCandidatePairId !== undefined);
  const pairs = byType(entries, 'candidate-pair');
  return pairs.find((p) => p.id === transport?.selectedCandidatePairId) ?? pairs.find((p) => p.selected === true) ?? pairs.find((p) => p.nominated === true && p.state === 'succeeded');
}

/** The simplified E-model: MOS from one-way delay (ms) and packet loss (percent). */
export function estimateMos(oneWayDelayMs: number, lossPercent: number): number {
  const d = Math.max(0, oneWayDelayMs);
  const id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
  const ppl = Math.min(100, Math.max(0, lossPercent));
  const ie = 0;
  const bpl = 25;
  const ieEff = ie + ((95 - ie) * ppl) / (ppl + bpl);
  const r = 93.2 - id - ieEff;
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return Math.min(4.5, Math.max(1, 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r)));
}

/** Quality over the interval between two snapshots of one call's stats. */
export function callQuality(previous: readonly StatsEntry[] | null, current: readonly StatsEntry[], condition: CallCondition): CallQuality {
  const pair = selectedPair(current);
  const local = pair ? current.find((e) => e.id === pair.localCandidateId) : undefined;
  const remote = pair ? current.find((e) => e.id === pair.remoteCandidateId) : undefined;
  const path = pair
    ? {
        local: candidateType(local?.candidateType),
        remote: candidateType(remote?.candidateType),
        protocol: local?.protocol ?? 'udp',
        relayProtocol: local?.relayProtocol ?? null,
      }
    : null;

  const inbound = byType(current, 'inbound-rtp', 'audio');
  const outbound = byType(current, 'outbound-rtp', 'audio');
  const remoteInbound = byType(current, 'remote-inbound-rtp', 'audio');
  const before = previous ?? [];
  const delta = (entries: readonly StatsEntry[], old: readonly StatsEntry[], key: keyof StatsEntry): number => Math.max(0, sum(entries, key) - sum(old, key));

  const bytesInDelta = delta(inbound, byType(before, 'inbound-rtp', 'audio'), 'bytesReceived');
  const bytesOutDelta = delta(outbound, byType(before, 'outbound-rtp', 'audio'), 'bytesSent');

  const rttS = pair?.currentRoundTripTime ?? remoteInbound.find((e) => e.roundTripTime !== undefined)?.roundTripTime;
  const rttMs = rttS === undefined ? null : rttS * 1000;
  const jitterS = inbound.find((e) => e.jitter !== undefined)?.jitter;
  const jitterMs = jitterS === undefined ? null : jitterS * 1000;

  let lossInPercent: number | null = null;
  if (previous !== null && inbound.length > 0) {
    const lost = delta(inbound, byType(before, 'inbound-rtp', 'audio'), 'packetsLost');
    const got = delta(inbound, byType(before, 'inbound-rtp', 'audio'), 'packetsReceived');
    lossInPercent = lost + got > 0 ? (100 * lost) / (lost + got) : null;
  }
  const fraction = remoteInbound.find((e) => e.fractionLost !== undefined)?.fractionLost;
  const lossOutPercent = fraction === undefined ? null : Math.min(100, Math.max(0, fraction * 100));

  // Average time a sample waited in the jitter buffer over the interval.
  const bufferDelayS = delta(inbound, byType(before, 'inbound-rtp', 'audio'), 'jitterBufferDelay');
  const emitted = delta(inbound, byType(before, 'inbound-rtp', 'audio'), 'jitterBufferEmittedCount');
  const bufferMs = emitted > 0 ? (1000 * bufferDelayS) / emitted : (jitterMs ?? 0) * 2;
  // Nothing arriving is not a good call, whatever the path's delay: no score then.
  const silent = previous !== null && bytesInDelta === 0;
  const mos = silent || (rttMs === null && lossInPercent === null) ? null : estimateMos((rttMs ?? 0) / 2 + bufferMs + 20, lossInPercent ?? 0);

  return {
    path,
    rttMs,
    jitterMs,
    lossInPercent,
    lossOutPercent,
    mos,
    diagnosis: diagnose({ path, previous, bytesInDelta, bytesOutDelta, lossInPercent, lossOutPercent, rttMs, jitterMs, condition }),
    bytesInDelta,
    bytesOutDelta,
  };
}

interface Observed {
  path: CallQuality['path'];
  previous: readonly StatsEntry[] | null;
  bytesInDelta: number;
  bytesOutDelta: number;
  lossInPercent: number | null;
  lossOutPercent: number | null;
  rttMs: number | null;
  jitterMs: number | null;
  condition: CallCondition;
}

function diagnose(o: Observed): Diagnosis {
  if (o.path === null) return 'no-path';
  // One interval is the least that can say anything about flow; holding or muting explains silence.
  if (o.previous === null || o.condition.held) return 'ok';
  const receiving = o.bytesInDelta > 0;
  const sending = o.bytesOutDelta > 0;
  if (sending && !receiving) return 'no-incoming-audio';
  if (!sending && !o.condition.muted) return 'not-sending';
  if (receiving && o.lossOutPercent !== null && o.lossOutPercent >= 90) return 'no-outgoing-audio';
  if ((o.lossInPercent ?? 0) >= 5 || (o.lossOutPercent ?? 0) >= 5) return 'high-loss';
  if ((o.rttMs ?? 0) >= 400) return 'high-latency';
  if ((o.jitterMs ?? 0) >= 50) return 'high-jitter';
  return 'ok';
}
