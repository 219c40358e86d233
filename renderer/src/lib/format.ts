// Small pure formatters shared by components (kept out of .svelte files so they are unit-testable).

/** m:ss below an hour, h:mm:ss above; negative spans (clock skew) count as zero. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function firstGrapheme(word: string): string {
  for (const { segment } of graphemes.segment(word)) return segment;
  return '';
}

/** Up to two letters for the avatar: initials of a name, or the last digits of a number. */
export function initialsOf(name: string, number: string): string {
  const words = name.trim().split(/\s+/).filter((w) => /\p{L}/u.test(w));
  if (words.length > 0) {
    const first = firstGrapheme(words[0] ?? '');
    const last = words.length > 1 ? firstGrapheme(words[words.length - 1] ?? '') : '';
    return (first + last).toUpperCase();
  }
  return number.replace(/\D/g, '').slice(-2) || '#';
}

/** Keys a user may type as DTMF: digits, star and hash (A-D exist only on special phones). */
export function isDtmfKey(key: string): boolean {
  return /^[0-9*#]$/.test(key);
}
