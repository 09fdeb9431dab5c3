/** Median of `reps` timed runs of `fn` (ms), after one warm-up run. */
export async function medianMs(fn: () => unknown | Promise<unknown>, reps = 5): Promise<number> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)];
}
