// Random and mutated descriptors (seeded, bounded in number): the parser and the telephony
// mapping either succeed or throw HidDescriptorError with an offset inside the input, never
// anything else, and each input takes milliseconds, never a hang.
import { describe, expect, it } from 'vitest';
import { HidDescriptorError } from '../../../main/core/hid/descriptor/descriptor-error.ts';
import { parseReportDescriptor } from '../../../main/core/hid/descriptor/parse-report-descriptor.ts';
import type { ReportDescriptor } from '../../../main/core/hid/descriptor/report-descriptor.ts';
import { telephonyLayoutOf } from '../../../main/core/hid/telephony-layout.ts';
import { fixtureNames, loadFixture } from './fixtures.ts';

/** mulberry32: small, seeded, good enough to spread inputs. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Item prefixes real descriptors use, so random input gets past the first few bytes often.
const PREFIXES = [0x05, 0x06, 0x09, 0x0a, 0x15, 0x16, 0x19, 0x25, 0x26, 0x29, 0x75, 0x85, 0x95, 0x96, 0x81, 0x91, 0xb1, 0xa1, 0xc0, 0xa4, 0xb4, 0x55, 0x65];

function randomDescriptor(next: () => number, maxLength: number): Uint8Array {
  const length = 1 + Math.floor(next() * maxLength);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = next() < 0.5 ? (PREFIXES[Math.floor(next() * PREFIXES.length)] ?? 0) : Math.floor(next() * 256);
  }
  return out;
}

function mutate(source: Uint8Array, next: () => number): Uint8Array {
  const bytes = Array.from(source);
  const pick = (): number => Math.floor(next() * Math.max(1, bytes.length));
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits; e++) {
    const op = Math.floor(next() * 5);
    if (op === 0) bytes[pick()] = Math.floor(next() * 256); // overwrite a byte
    else if (op === 1) bytes.length = pick(); // truncate
    else if (op === 2) bytes.splice(pick(), 0, ...Array.from({ length: 1 + Math.floor(next() * 8) }, () => Math.floor(next() * 256)));
    else if (op === 3) bytes.splice(pick(), 1 + Math.floor(next() * 8)); // delete a run
    else {
      const at = pick();
      bytes.splice(pick(), 0, ...bytes.slice(at, at + 1 + Math.floor(next() * 16))); // duplicate a run
    }
  }
  return Uint8Array.from(bytes);
}

function checkTiling(d: ReportDescriptor): void {
  for (const report of d.reports) {
    let next = 0;
    for (const f of d.fields) {
      if (f.kind !== report.kind || f.reportId !== report.reportId) continue;
      if (f.bitOffset !== next) throw new Error(`field at ${f.offset} starts at bit ${f.bitOffset}, expected ${next}`);
      next += f.reportSize * f.reportCount;
    }
  }
}

interface Outcome {
  parsed: number;
  refused: number;
  slowestMs: number;
}

function run(inputs: Iterable<Uint8Array>): Outcome {
  const outcome: Outcome = { parsed: 0, refused: 0, slowestMs: 0 };
  for (const input of inputs) {
    const started = performance.now();
    try {
      const d = parseReportDescriptor(input);
      checkTiling(d);
      telephonyLayoutOf(d);
      outcome.parsed++;
    } catch (err) {
      if (!(err instanceof HidDescriptorError)) {
        throw new Error(`input ${Buffer.from(input).toString('hex')} threw ${String(err)}`);
      }
      if (err.offset < 0 || err.offset > input.length) throw new Error(`offset ${err.offset} outside input of ${input.length}`);
      outcome.refused++;
    }
    outcome.slowestMs = Math.max(outcome.slowestMs, performance.now() - started);
  }
  return outcome;
}

describe('fuzzing the parser', () => {
  it('random descriptors: 3000, seeded', () => {
    const next = random(0x5eed);
    const outcome = run(Array.from({ length: 3000 }, () => randomDescriptor(next, 300)));
    expect(outcome.parsed + outcome.refused).toBe(3000);
    // Both paths are exercised, not only the first-byte rejections.
    expect(outcome.parsed).toBeGreaterThan(50);
    expect(outcome.refused).toBeGreaterThan(50);
    expect(outcome.slowestMs).toBeLessThan(250);
  });

  it('mutated real descriptors: 150 per device, seeded', () => {
    const next = random(0xc0ffee);
    const inputs = fixtureNames().flatMap((name) => {
      const source = loadFixture(name);
      return Array.from({ length: 150 }, () => mutate(source, next));
    });
    const outcome = run(inputs);
    expect(outcome.parsed).toBeGreaterThan(100);
    expect(outcome.refused).toBeGreaterThan(100);
    expect(outcome.slowestMs).toBeLessThan(250);
  });

  it('64 KB of garbage, five seeds', () => {
    const outcome = run([1, 2, 3, 4, 5].map((seed) => {
      const next = random(seed);
      return Uint8Array.from({ length: 65536 }, () => Math.floor(next() * 256));
    }));
    expect(outcome.parsed + outcome.refused).toBe(5);
    expect(outcome.slowestMs).toBeLessThan(1000);
  });

  it('64 KB built to be expensive: huge usage ranges in 255 reports of the telephony collection', () => {
    // Each field: Report ID, Usage Minimum 0, Usage Maximum 0xFFFF, 12288 one-bit elements.
    const head = '05 0b 09 05 a1 01 15 00 25 01 75 01 96 00 30';
    const body: string[] = [];
    for (let id = 1; id <= 255; id++) {
      for (let k = 0; k < 10; k++) body.push(`85 ${id.toString(16).padStart(2, '0')} 19 00 2a ff ff 81 02`);
    }
    const input = Uint8Array.from(Buffer.from(`${head} ${body.join(' ')} c0`.replace(/\s+/g, ''), 'hex'));
    const started = performance.now();
    const layout = telephonyLayoutOf(parseReportDescriptor(input));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(layout.reports).toHaveLength(255);
    expect(layout.reports[0]?.byteLength).toBe(15360);
  });
});
