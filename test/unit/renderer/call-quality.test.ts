// Call quality from getStats snapshots: the path, RTT, jitter, loss both ways, the MOS estimate
// (simplified E-model), and the diagnosis of one-way audio and other trouble.
import { describe, expect, it } from 'vitest';
import { callQuality, estimateMos, type StatsEntry } from '../../../renderer/src/media/call-quality.ts';

function snapshot(o: { bytesIn: number; bytesOut: number; lost?: number; received?: number; fractionLost?: number; rtt?: number; jitter?: number; relay?: boolean; pair?: boolean }): StatsEntry[] {
  const entries: StatsEntry[] = [
    { id: 'in', type: 'inbound-rtp', kind: 'audio', bytesReceived: o.bytesIn, packetsLost: o.lost ?? 0, packetsReceived: o.received ?? o.bytesIn / 100, jitter: o.jitter ?? 0.004, jitterBufferDelay: 0.04 * ((o.received ?? o.bytesIn / 100) || 0), jitterBufferEmittedCount: (o.received ?? o.bytesIn / 100) || 0 },
    { id: 'out', type: 'outbound-rtp', kind: 'audio', bytesSent: o.bytesOut },
    { id: 'rin', type: 'remote-inbound-rtp', kind: 'audio', fractionLost: o.fractionLost ?? 0, roundTripTime: 0.05 },
  ];
  if (o.pair !== false) {
    entries.push(
      { id: 't', type: 'transport', selectedCandidatePairId: 'p' },
      { id: 'p', type: 'candidate-pair', localCandidateId: 'l', remoteCandidateId: 'r', currentRoundTripTime: o.rtt ?? 0.002, state: 'succeeded' },
      { id: 'l', type: 'local-candidate', candidateType: o.relay ? 'relay' : 'host', protocol: 'udp', ...(o.relay ? { relayProtocol: 'tcp' } : {}) },
      { id: 'r', type: 'remote-candidate', candidateType: 'srflx', protocol: 'udp' },
    );
  }
  return entries;
}

const flowing = { held: false, muted: false, intervalS: 2 };

describe('estimateMos', () => {
  it('is about 4.4 on a clean network and falls with delay and loss', () => {
    expect(estimateMos(60, 0)).toBeCloseTo(4.4, 1);
    expect(estimateMos(300, 0)).toBeLessThan(estimateMos(100, 0));
    expect(estimateMos(60, 5)).toBeLessThan(4);
    expect(estimateMos(60, 30)).toBeLessThan(2.6);
    expect(estimateMos(5000, 100)).toBe(1);
    expect(estimateMos(-10, -5)).toBeLessThanOrEqual(4.5);
  });
});

describe('callQuality', () => {
  it('reads the path, RTT, jitter, loss and a good MOS from a healthy call', () => {
    const q = callQuality(snapshot({ bytesIn: 1000, bytesOut: 1000, received: 10 }), snapshot({ bytesIn: 9000, bytesOut: 9000, received: 110, lost: 0 }), flowing);
    expect(q.path).toEqual({ local: 'host', remote: 'srflx', protocol: 'udp', relayProtocol: null });
    expect(q.rttMs).toBeCloseTo(2);
    expect(q.jitterMs).toBeCloseTo(4);
    expect(q.lossInPercent).toBe(0);
    expect(q.lossOutPercent).toBe(0);
    expect(q.mos).toBeGreaterThan(4.3);
    expect(q.diagnosis).toBe('ok');
  });

  it('says the user cannot hear the other side when nothing arrives while we send', () => {
    const q = callQuality(snapshot({ bytesIn: 5000, bytesOut: 1000 }), snapshot({ bytesIn: 5000, bytesOut: 9000 }), flowing);
    expect(q.diagnosis).toBe('no-incoming-audio');
    // Nothing heard is no score, however short the path.
    expect(q.mos).toBeNull();
    // On hold, silence one way is expected.
    expect(callQuality(snapshot({ bytesIn: 5000, bytesOut: 1000 }), snapshot({ bytesIn: 5000, bytesOut: 9000 }), { ...flowing, held: true }).diagnosis).toBe('ok');
  });

  it('says the other side cannot hear the user when they report losing everything we send', () => {
    const q = callQuality(snapshot({ bytesIn: 1000, bytesOut: 1000 }), snapshot({ bytesIn: 9000, bytesOut: 9000, fractionLost: 1 }), flowing);
    expect(q.diagnosis).toBe('no-outgoing-audio');
  });

  it('says nothing leaves this machine when we send nothing, unless muted', () => {
    expect(callQuality(snapshot({ bytesIn: 1000, bytesOut: 500 }), snapshot({ bytesIn: 9000, bytesOut: 500 }), flowing).diagnosis).toBe('not-sending');
    expect(callQuality(snapshot({ bytesIn: 1000, bytesOut: 500 }), snapshot({ bytesIn: 9000, bytesOut: 500 }), { ...flowing, muted: true }).diagnosis).toBe('ok');
  });

  it('names loss, latency and jitter, and a relayed path', () => {
    expect(callQuality(snapshot({ bytesIn: 1000, bytesOut: 1000, received: 10 }), snapshot({ bytesIn: 9000, bytesOut: 9000, received: 100, lost: 10 }), flowing).diagnosis).toBe('high-loss');
    expect(callQuality(snapshot({ bytesIn: 1000, bytesOut: 1000 }), snapshot({ bytesIn: 9000, bytesOut: 9000, rtt: 0.6 }), flowing).diagnosis).toBe('high-latency');
    expect(callQuality(snapshot({ bytesIn: 1000, bytesOut: 1000 }), snapshot({ bytesIn: 9000, bytesOut: 9000, jitter: 0.08 }), flowing).diagnosis).toBe('high-jitter');
    expect(callQuality(null, snapshot({ bytesIn: 1, bytesOut: 1, relay: true }), flowing).path).toEqual({ local: 'relay', remote: 'srflx', protocol: 'udp', relayProtocol: 'tcp' });
  });

  it('without a selected pair there is no path; the first snapshot alone diagnoses nothing else', () => {
    expect(callQuality(null, snapshot({ bytesIn: 0, bytesOut: 0, pair: false }), flowing).diagnosis).toBe('no-path');
    const first = callQuality(null, snapshot({ bytesIn: 0, bytesOut: 100 }), flowing);
    expect(first.diagnosis).toBe('ok');
    expect(first.lossInPercent).toBeNull();
    expect(callQuality(null, [], flowing)).toMatchObject({ path: null, rttMs: null, mos: null, diagnosis: 'no-path' });
  });
});
