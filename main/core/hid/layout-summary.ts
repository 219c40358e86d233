// The layout as people read it: what `npm run hid -- describe` prints and what a support bundle
// carries. Only the fields that say where a control is, and only reports that name a control.
import type { TelephonyLayout } from './layout.ts';

export interface ControlSummary {
  name: string;
  bitOffset: number;
  bitSize: number;
  type: string;
}

export interface ReportSummary {
  reportId: number;
  direction: 'input' | 'output';
  controls: ControlSummary[];
}

export interface LayoutSummary {
  telephony: boolean;
  reports: ReportSummary[];
}

export function summarizeLayout(layout: Pick<TelephonyLayout, 'telephony' | 'reports'>): LayoutSummary {
  return {
    telephony: layout.telephony,
    reports: layout.reports
      .filter((r) => r.controls.length > 0)
      .map((r) => ({
        reportId: r.reportId,
        direction: r.direction,
        controls: r.controls.map((c) => ({ name: c.name, bitOffset: c.bitOffset, bitSize: c.bitSize, type: c.type })),
      })),
  };
}
