// Where the per-day chart puts its gridlines and day labels. Pure, so the rules are tested without
// a canvas: whole-number steps on the count axis, and day labels spaced to fit, counted back from
// today so the newest day is always labelled.

const NICE_STEPS = [1, 2, 5];

/** The count axis: a step of 1, 2 or 5 × 10ⁿ giving at most `maxLines` gridlines above zero. */
export function countAxis(max: number, maxLines = 4): { top: number; step: number; splits: number[] } {
  const peak = Math.max(0, Math.ceil(max));
  // Nothing to show yet: a quiet 0–4 axis rather than a collapsed one.
  if (peak === 0)
    return { top: maxLines, step: 1, splits: Array.from({ length: maxLines + 1 }, (_, i) => i) };
  let step = 1;
  for (let magnitude = 1; ; magnitude *= 10) {
    const found = NICE_STEPS.map((n) => n * magnitude).find((s) => Math.ceil(peak / s) <= maxLines);
    if (found !== undefined) {
      step = found;
      break;
    }
  }
  const top = step * Math.ceil(peak / step);
  const splits: number[] = [];
  for (let v = 0; v <= top; v += step) splits.push(v);
  return { top, step, splits };
}

/**
 * Which day indices (0 = oldest) get a label along `widthPx`, each label needing `labelPx`:
 * every k-th day counting back from the newest.
 */
export function dayLabelIndices(days: number, widthPx: number, labelPx = 64): number[] {
  if (days <= 0) return [];
  const fit = Math.max(1, Math.floor(widthPx / labelPx));
  const every = Math.max(1, Math.ceil(days / fit));
  const out: number[] = [];
  for (let i = days - 1; i >= 0; i -= every) out.unshift(i);
  return out;
}
