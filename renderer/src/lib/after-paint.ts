// Work that must not delay the frame showing what just changed (an incoming call's card): run it
// once that frame has been painted. Returns a function that cancels it if it has not run yet.
export function afterPaint(work: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let cancelled = false;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(() => {
      if (!cancelled) work();
    }, 0);
  });
  return () => {
    cancelled = true;
    cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
  };
}
