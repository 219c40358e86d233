// Every real descriptor in test/fixtures/hid decodes to the bytes its header describes and
// parses without error into fields that tile their reports.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseReportDescriptor } from '../../../main/core/hid/descriptor/parse-report-descriptor.ts';
import { COLLECTION_APPLICATION, topLevelOf } from '../../../main/core/hid/descriptor/report-descriptor.ts';
import { fixtureHeader, fixtureNames, loadFixture } from './fixtures.ts';

describe('real descriptors', () => {
  const names = fixtureNames();

  it('are all there (14 devices)', () => {
    expect(names).toHaveLength(14);
  });

  it.each(names)('%s decodes to the bytes of its header and parses', (name) => {
    const bytes = loadFixture(name);
    const header = fixtureHeader(name);
    expect(bytes.length).toBe(header.length);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(header.sha256);

    const d = parseReportDescriptor(bytes);
    expect(d.usesReportIds).toBe(true);
    // Every field sits inside an application collection at top level.
    for (const f of d.fields) {
      expect(f.collection).not.toBeNull();
      expect(d.collections[topLevelOf(d, f.collection ?? 0)]?.type).toBe(COLLECTION_APPLICATION);
    }
    // Fields of one report follow each other without gaps or overlaps, in declaration order.
    for (const report of d.reports) {
      const fields = d.fields.filter((f) => f.kind === report.kind && f.reportId === report.reportId);
      let next = 0;
      for (const f of fields) {
        expect(f.bitOffset).toBe(next);
        next += f.reportSize * f.reportCount;
      }
      expect(next).toBe(report.bitLength);
    }
  });

  it('finds the telephony collection where NOTES.md says (0x0B:0x05 on all but the G535)', () => {
    for (const name of names) {
      const d = parseReportDescriptor(loadFixture(name));
      const telephony = d.collections.filter((c) => c.parent === null && c.usage === 0x000b0005);
      expect(telephony.length, name).toBe(name === 'logitech-g535' ? 0 : 1);
    }
  });

  it('reads Yealink’s 1023-byte vendor report and EPOS’s nested application collection', () => {
    const yealink = parseReportDescriptor(loadFixture('yealink-wh66'));
    expect(yealink.reports.find((r) => r.kind === 'output' && r.reportId === 0xc8)?.bitLength).toBe(1023 * 8);
    const d1 = parseReportDescriptor(loadFixture('epos-impact-d1'));
    const nested = d1.collections.filter((c) => c.parent !== null && c.type === COLLECTION_APPLICATION);
    expect(nested).toHaveLength(1);
  });
});
