// The geometry of a virtualized list: items of a few fixed heights stacked in order, only the
// ones in view rendered. Pure (no DOM), so the arithmetic is unit-tested.
//
// Chromium cannot lay out an element taller than about 33.5 million pixels, and a million call
// rows are 52 million. Past MAX_SCROLL_PX the scroll bar maps linearly onto the list: the spacer
// stays that tall and every physical pixel scrolled moves `scale` pixels of list.

/** Tallest spacer the list creates; well under Chromium's layout limit. */
export const MAX_SCROLL_PX = 8_000_000;

export class ListLayout {
  /** Top of each item in list pixels. */
  readonly tops: number[] = [];
  readonly heights: number[] = [];
  total = 0;

  get count(): number {
    return this.tops.length;
  }

  push(height: number): number {
    this.tops.push(this.total);
    this.heights.push(height);
    this.total += height;
    return this.tops.length - 1;
  }

  clear(): void {
    this.tops.length = 0;
    this.heights.length = 0;
    this.total = 0;
  }

  /** The item under list pixel y (clamped to the first and last item); -1 when empty. */
  indexAt(y: number): number {
    const n = this.tops.length;
    if (n === 0) return -1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.tops[mid] ?? 0) <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Items that intersect [offset, offset + viewport), widened by `overscan` pixels each side. */
  range(offset: number, viewport: number, overscan: number): { start: number; end: number } {
    if (this.tops.length === 0) return { start: 0, end: 0 };
    const start = this.indexAt(Math.max(0, offset - overscan));
    const last = this.indexAt(offset + viewport + overscan);
    return { start, end: last + 1 };
  }
}

/** Height of the scrolling spacer for a list of `total` pixels. */
export function physicalHeight(total: number): number {
  return Math.min(total, MAX_SCROLL_PX);
}

/** List pixels per scrolled pixel: 1 until the list is taller than the spacer can be. */
export function scrollScale(total: number, viewport: number): number {
  const physical = physicalHeight(total);
  if (total <= physical || physical <= viewport) return 1;
  return (total - viewport) / (physical - viewport);
}

/** The list offset shown at the top of the viewport for a scrollTop. */
export function listOffset(scrollTop: number, total: number, viewport: number): number {
  return scrollTop * scrollScale(total, viewport);
}

/** The scrollTop that shows list offset `offset` at the top of the viewport. */
export function scrollTopFor(offset: number, total: number, viewport: number): number {
  return Math.max(0, offset / scrollScale(total, viewport));
}

/**
 * The list offset that brings item i fully into view with the least movement, or null when it is
 * in view already.
 */
export function offsetToReveal(layout: ListLayout, i: number, offset: number, viewport: number): number | null {
  const top = layout.tops[i];
  const height = layout.heights[i];
  if (top === undefined || height === undefined) return null;
  if (top < offset) return top;
  if (top + height > offset + viewport) return Math.max(0, top + height - viewport);
  return null;
}

/**
 * Returns `value`. Reading `version` first makes a rune reader depend on it: the lists here are
 * mutated in place for speed, and a version number says when they changed.
 */
export function atVersion<T>(_version: number, value: T): T {
  return value;
}

/** What a list component can be asked to do; it attaches itself while mounted. */
export interface ListControls {
  scrollToOffset(offset: number): void;
  reveal(index: number): void;
  focus(): void;
  viewportHeight(): number;
}

/** A handle a view holds on its list component (plain, typed, no component instance needed). */
export class ListController implements ListControls {
  #controls: ListControls | null = null;

  attach(controls: ListControls): () => void {
    this.#controls = controls;
    return () => {
      if (this.#controls === controls) this.#controls = null;
    };
  }

  get attached(): boolean {
    return this.#controls !== null;
  }

  scrollToOffset(offset: number): void {
    this.#controls?.scrollToOffset(offset);
  }

  reveal(index: number): void {
    this.#controls?.reveal(index);
  }

  focus(): void {
    this.#controls?.focus();
  }

  viewportHeight(): number {
    return this.#controls?.viewportHeight() ?? 0;
  }
}
