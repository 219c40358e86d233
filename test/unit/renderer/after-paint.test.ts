// afterPaint: after the next frame in a visible window; at once in a hidden one, where Chromium
// runs no animation frames (a ringtone must not wait for the window to be shown).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterPaint } from '../../../renderer/src/lib/after-paint.ts';

class FakeDocument extends EventTarget {
  visibilityState: 'visible' | 'hidden' = 'visible';
  hide(): void {
    this.visibilityState = 'hidden';
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

describe('afterPaint', () => {
  let doc: FakeDocument;
  let frames: Map<number, () => void>;
  beforeEach(() => {
    vi.useFakeTimers();
    doc = new FakeDocument();
    frames = new Map();
    let next = 1;
    vi.stubGlobal('document', doc);
    vi.stubGlobal('requestAnimationFrame', (fn: () => void) => {
      frames.set(next, fn);
      return next++;
    });
    vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });
  const paint = (): void => {
    const due = [...frames.values()];
    frames.clear();
    for (const fn of due) fn();
  };

  it('runs after the next frame has been painted in a visible window', () => {
    const work = vi.fn();
    afterPaint(work);
    expect(work).not.toHaveBeenCalled();
    paint();
    expect(work).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(work).toHaveBeenCalledTimes(1);
    doc.hide();
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('runs at once in a hidden window, and when the window is hidden while it waits', () => {
    const early = vi.fn();
    afterPaint(early);
    doc.hide();
    expect(early).toHaveBeenCalledTimes(1);
    paint();
    vi.advanceTimersByTime(0);
    expect(early).toHaveBeenCalledTimes(1);
    const hidden = vi.fn();
    afterPaint(hidden);
    expect(hidden).toHaveBeenCalledTimes(1);
  });

  it('never runs once cancelled', () => {
    const work = vi.fn();
    const cancel = afterPaint(work);
    cancel();
    paint();
    vi.advanceTimersByTime(10);
    doc.hide();
    expect(work).not.toHaveBeenCalled();
  });
});
