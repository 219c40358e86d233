// The call history's pure parts: the virtualized list's geometry (including lists taller than a
// browser can lay out), rows grouped under day headers, the words a row and a header show, date
// ranges and tags; and that every outcome and wrap-up code has text in both languages.
import { describe, expect, it } from 'vitest';
import { CallOutcome, Locale } from '../../../preload/contract.ts';
import { catalogs, plural } from '../../../renderer/src/i18n/catalog.ts';
import {
  dateRange,
  DAY_HEIGHT,
  dayKey,
  dayLabel,
  DISPOSITIONS,
  dispositionText,
  HistoryList,
  parseTags,
  partyName,
  ROW_HEIGHT,
  rowTone,
} from '../../../renderer/src/lib/history.ts';
import { ListLayout, listOffset, MAX_SCROLL_PX, offsetToReveal, physicalHeight, scrollScale, scrollTopFor } from '../../../renderer/src/lib/virtual-list.ts';
import { callRecord } from './history-support.ts';

describe('the virtualized list geometry', () => {
  const layout = new ListLayout();
  for (let i = 0; i < 10; i++) layout.push(i % 5 === 0 ? 30 : 56);

  it('stacks items and finds the one under a pixel', () => {
    expect(layout.total).toBe(2 * 30 + 8 * 56);
    expect(layout.indexAt(0)).toBe(0);
    expect(layout.indexAt(29)).toBe(0);
    expect(layout.indexAt(30)).toBe(1);
    expect(layout.indexAt(30 + 56 * 4)).toBe(5);
    expect(layout.indexAt(1e9)).toBe(9);
    expect(new ListLayout().indexAt(0)).toBe(-1);
  });

  it('renders only what intersects the viewport plus the overscan', () => {
    expect(layout.range(0, 100, 0)).toEqual({ start: 0, end: 3 });
    expect(layout.range(200, 100, 0)).toEqual({ start: 4, end: 7 });
    expect(layout.range(200, 100, 60)).toEqual({ start: 2, end: 8 });
    expect(new ListLayout().range(0, 100, 0)).toEqual({ start: 0, end: 0 });
  });

  it('reveals an item with the least scrolling', () => {
    expect(offsetToReveal(layout, 1, 0, 200)).toBeNull();
    expect(offsetToReveal(layout, 6, 0, 200)).toBe((layout.tops[6] ?? 0) + 56 - 200);
    expect(offsetToReveal(layout, 0, 100, 200)).toBe(0);
  });

  it('maps the scroll bar onto lists taller than a browser can lay out (a million rows)', () => {
    const viewport = 600;
    const total = 1_000_000 * ROW_HEIGHT;
    expect(physicalHeight(total)).toBe(MAX_SCROLL_PX);
    const scale = scrollScale(total, viewport);
    expect(scale).toBeGreaterThan(6);
    // The bottom of the scroll bar shows the last row, the top the first.
    expect(listOffset(MAX_SCROLL_PX - viewport, total, viewport)).toBeCloseTo(total - viewport, 3);
    expect(listOffset(0, total, viewport)).toBe(0);
    expect(scrollTopFor(listOffset(12_345, total, viewport), total, viewport)).toBeCloseTo(12_345, 6);
    // Short lists scroll one to one.
    expect(scrollScale(5000, viewport)).toBe(1);
    expect(listOffset(123, 5000, viewport)).toBe(123);
  });

  it('finds the visible rows of a million quickly', () => {
    const big = new ListLayout();
    for (let i = 0; i < 1_000_000; i++) big.push(i % 40 === 0 ? DAY_HEIGHT : ROW_HEIGHT);
    const t0 = performance.now();
    let last = { start: 0, end: 0 };
    for (let y = 0; y < big.total; y += big.total / 1000) last = big.range(y, 700, 400);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(last.end - last.start).toBeLessThan(40);
  });
});

describe('rows grouped by day', () => {
  it('puts a header before the first row of each day and lays out both', () => {
    const list = new HistoryList();
    // Ids an hour apart: 20 rows span two calendar days (or three).
    const rows = Array.from({ length: 20 }, (_, i) => callRecord(990 - i));
    list.append(rows.slice(0, 10));
    list.append(rows.slice(10));
    const days = new Set(rows.map((r) => dayKey(r.startedAt)));
    expect(list.items.filter((i) => i.kind === 'day')).toHaveLength(days.size);
    expect(list.items[0]?.kind).toBe('day');
    expect(list.rows).toHaveLength(20);
    expect(list.layout.total).toBe(days.size * DAY_HEIGHT + 20 * ROW_HEIGHT);
    // Each header's day is the day of the row after it.
    list.items.forEach((item, i) => {
      if (item.kind !== 'day') return;
      const next = list.items[i + 1];
      expect(next?.kind).toBe('row');
      if (next?.kind === 'row') expect(dayKey(list.rows[next.row]?.startedAt ?? 0)).toBe(item.key);
    });
  });

  it('never lists a row twice, patches in place and drops deleted rows', () => {
    const list = new HistoryList();
    list.append([callRecord(5), callRecord(4)]);
    list.append([callRecord(4), callRecord(3)]);
    expect(list.rows.map((r) => r.id)).toEqual([5, 4, 3]);
    expect(list.patch(callRecord(4, { notes: 'hello' }))).toBe(true);
    expect(list.byId(4)?.notes).toBe('hello');
    expect(list.patch(callRecord(99))).toBe(false);
    const without = list.without([4]);
    expect(without.rows.map((r) => r.id)).toEqual([5, 3]);
    expect(without.rowIndex(3)).toBe(1);
    expect(list.rowAtOrAfter(0)).toBe(0);
    expect(list.last?.id).toBe(3);
  });
});

describe('what a row shows', () => {
  it('names the contact, else the display name, else the number', () => {
    const base = callRecord(1, { displayName: 'Front Desk', numberDisplay: '(415) 555-0101' });
    expect(partyName({ ...base, contact: { id: 1, name: 'Alice Zhang', company: '', crmId: '' } })).toBe('Alice Zhang');
    expect(partyName(base)).toBe('Front Desk');
    expect(partyName({ ...base, displayName: '  ' })).toBe('(415) 555-0101');
    expect(partyName({ ...base, displayName: '', numberDisplay: '', number: '', remoteUri: 'sip:alice@pbx' })).toBe('sip:alice@pbx');
  });

  it('marks missed calls apart from calls that were not answered for other reasons', () => {
    expect(rowTone({ direction: 'incoming', outcome: 'missed' })).toBe('missed');
    expect(rowTone({ direction: 'incoming', outcome: 'answered' })).toBe('incoming');
    expect(rowTone({ direction: 'outgoing', outcome: 'answered' })).toBe('outgoing');
    expect(rowTone({ direction: 'outgoing', outcome: 'busy' })).toBe('unanswered');
    expect(rowTone({ direction: 'incoming', outcome: 'rejected' })).toBe('unanswered');
    expect(rowTone({ direction: 'outgoing', outcome: 'in-progress' })).toBe('live');
  });

  it('labels days Today, Yesterday, by weekday within a week, else by date', () => {
    const now = new Date(2025, 2, 12, 9, 30).getTime(); // Wednesday 12 March 2025
    const at = (d: number, h = 10): number => new Date(2025, 2, d, h).getTime();
    const words = { today: 'Today', yesterday: 'Yesterday' };
    expect(dayLabel(at(12, 0), now, 'en', words)).toBe('Today');
    expect(dayLabel(at(11, 23), now, 'en', words)).toBe('Yesterday');
    expect(dayLabel(at(9), now, 'en', words)).toBe('Sunday');
    expect(dayLabel(at(3), now, 'en', words)).toBe('Mon, March 3');
    expect(dayLabel(new Date(2024, 11, 24).getTime(), now, 'en', words)).toBe('December 24, 2024');
    expect(dayLabel(at(9), now, 'zh-CN', words)).toBe('星期日');
    expect(dayLabel(new Date(2024, 11, 24).getTime(), now, 'zh-CN', words)).toBe('2024年12月24日');
  });

  it('reads a date range as inclusive local days', () => {
    expect(dateRange('', '')).toEqual({ from: null, to: null });
    const { from, to } = dateRange('2025-03-01', '2025-03-31');
    expect(from).toBe(new Date(2025, 2, 1).getTime());
    expect(to).toBe(new Date(2025, 3, 1).getTime());
    expect(dateRange('garbage', '2025-02-30').from).toBeNull();
  });

  it('reads tags typed with commas (Latin or Chinese), without blanks or repeats, within the limits', () => {
    expect(parseTags(' vip, billing,,VIP ，中文 ')).toEqual(['vip', 'billing', '中文']);
    expect(parseTags('')).toEqual([]);
    expect(parseTags(Array.from({ length: 30 }, (_, i) => `t${i}`).join(','))).toHaveLength(20);
    expect(parseTags('x'.repeat(60))[0]).toHaveLength(40);
  });
});

describe('history text', () => {
  it('has every call outcome, direction, filter and wrap-up code in both languages', () => {
    const keys = [
      ...CallOutcome.options.map((o) => `history.outcomes.${o}`),
      ...['incoming', 'outgoing'].map((d) => `history.directions.${d}`),
      ...['all', 'missed', 'incoming', 'outgoing'].map((k) => `history.kinds.${k}`),
      ...DISPOSITIONS.map((d) => `history.dispositions.${d}`),
    ];
    for (const locale of Locale.options) for (const key of keys) expect(catalogs[locale][key], `${locale} ${key}`).toBeTruthy();
  });

  it('shows a wrap-up code of the user’s own as typed', () => {
    const t = (key: string): string => catalogs.en[key] ?? key;
    expect(dispositionText(t, 'sale')).toBe('Sale');
    expect(dispositionText(t, 'escalated-to-legal')).toBe('escalated-to-legal');
  });

  it('counts in the right plural form', () => {
    expect(plural('en', 'screenPop.calls', 1)).toBe('1 call');
    expect(plural('en', 'screenPop.calls', 14)).toBe('14 calls');
    expect(plural('zh-CN', 'screenPop.calls', 1)).toBe('1 次通话');
    expect(plural('en', 'tabs.missed', 3)).toBe('3 missed calls');
  });
});
