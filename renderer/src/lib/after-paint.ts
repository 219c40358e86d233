// Work that must not delay the frame showing what just changed (an incoming call's card): run it
// once that frame has been painted. A hidden window (in the tray, minimised, covered) paints no
// frames and Chromium holds its animation frames back, so there the work runs at once; a window
// hidden while waiting runs it then. Returns a function that cancels it if it has not run yet.
export function afterPaint(work: () => void): () => void {
  let done = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = (): void => {
    if (done) return;
    done = true;
    document.removeEventListener('visibilitychange', onHidden);
    work();
  };
  function onHidden(): void {
    if (document.visibilityState === 'hidden') run();
  }
  if (document.visibilityState === 'hidden') {
    run();
    return () => undefined;
  }
  document.addEventListener('visibilitychange', onHidden);
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(run, 0);
  });
  return () => {
    done = true;
    document.removeEventListener('visibilitychange', onHidden);
    cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
  };
}
