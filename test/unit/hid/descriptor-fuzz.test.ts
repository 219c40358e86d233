// Random and mutated descriptors (seeded, bounded in number): the parser and the telephony
// mapping either succeed or throw HidDescriptorError with an offset inside the input, never
// anything else, and each input takes milliseconds, never a hang.
import { describe, expect, it } from 'vitest';
import { parseReportDescriptor } from '../../../main/core/hid/descriptor/parse-report-descriptor.ts';
import { telephonyLayoutOf } from '../../../main/core/hid/telephony-layout.ts';
import { checkDescriptor, fuzzMutatedDescriptors, fuzzRandomDescriptors, fuzzReports, random, type FuzzOutcome } from '../../support/hid-fuzz.ts';

function run(inputs: Iterable<Uint8Array>): FuzzOutcome {
  const o: FuzzOutcome = { inputs: 0, accepted: 0, refused: 0, slowestMs: 0, failures: [] };
  for (const input of inputs) checkDescriptor(input, o);
  return o;
}

describe('fuzzing what a device sends', () => {
  // A sample of what `npm run fuzz` runs a million times; the seeds differ so each run adds inputs.
  it('random descriptors: 5000, seeded', () => {
    const outcome = fuzzRandomDescriptors(0x5eed, 5000);
    expect(outcome.failures).toEqual([]);
    expect(outcome.accepted + outcome.refused).toBe(5000);
    // Both paths are exercised, not only the first-byte rejections.
    expect(outcome.accepted).toBeGreaterThan(50);
    expect(outcome.refused).toBeGreaterThan(50);
    expect(outcome.slowestMs).toBeLessThan(250);
  });

  it('mutated real descriptors: 3000, seeded', () => {
    const outcome = fuzzMutatedDescriptors(0xc0ffee, 3000);
    expect(outcome.failures).toEqual([]);
    expect(outcome.accepted).toBeGreaterThan(100);
    expect(outcome.refused).toBeGreaterThan(100);
    expect(outcome.slowestMs).toBeLessThan(250);
  });

  it('reports through the headset controller: 20000 valid, mutated and noise, seeded', async () => {
    const outcome = await fuzzReports(0xbeef, 20_000);
    expect(outcome.failures).toEqual([]);
    expect(outcome.inputs).toBe(20_000);
    expect(outcome.accepted).toBeGreaterThan(1000);
    expect(outcome.refused).toBeGreaterThan(1000);
  });

  it('64 KB of garbage, five seeds', () => {
    const outcome = run([1, 2, 3, 4, 5].map((seed) => {
      const next = random(seed);
      return Uint8Array.from({ length: 65536 }, () => Math.floor(next() * 256));
    }));
    expect(outcome.failures).toEqual([]);
    expect(outcome.accepted + outcome.refused).toBe(5);
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
