// Timing: warm-up, then a calibrated number of iterations per round; every operation is measured in
// each of several rounds that interleave all operations (so drift, GC and page-cache state spread
// over all of them), and the figure quoted is the median of the round medians.
import { performance } from "node:perf_hooks";

export type Task = () => unknown;

export interface Sample {
  medianUs: number;
  p99Us: number;
  opsPerSec: number;
  iterations: number;
}

export interface TimingPlan {
  /** Warm-up iterations before the first round (at least), and warm-up time budget. */
  warmupIterations: number;
  warmupMs: number;
  /** Wall time to aim for per operation per round, and the bounds on iterations. */
  roundMs: number;
  minIterations: number;
  maxIterations: number;
  rounds: number;
}

export const FULL_PLAN: TimingPlan = {
  warmupIterations: 20,
  warmupMs: 300,
  roundMs: 700,
  minIterations: 7,
  maxIterations: 20_000,
  rounds: 3,
};

export const QUICK_PLAN: TimingPlan = {
  warmupIterations: 2,
  warmupMs: 10,
  roundMs: 25,
  minIterations: 3,
  maxIterations: 200,
  rounds: 3,
};

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(latenciesMs: number[], wallMs: number): Sample {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    medianUs: median(sorted) * 1000,
    p99Us: quantile(sorted, 0.99) * 1000,
    opsPerSec: wallMs > 0 ? (latenciesMs.length * 1000) / wallMs : 0,
    iterations: latenciesMs.length,
  };
}

/** Runs a task `count` times, one call after the other, timing each call. */
export async function timeTask(task: Task, count: number): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies = new Array<number>(count);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const result = task();
    if (result instanceof Promise) await result;
    latencies[i] = performance.now() - t0;
  }
  return { latencies, wallMs: performance.now() - started };
}

/** Warm-up; returns the estimated cost of one call in ms, from which rounds are sized. */
export async function warmUp(task: Task, plan: TimingPlan, maxIterations: number): Promise<number> {
  const started = performance.now();
  let n = 0;
  while (
    n < Math.min(plan.warmupIterations, maxIterations) ||
    (performance.now() - started < plan.warmupMs && n < maxIterations)
  ) {
    const result = task();
    if (result instanceof Promise) await result;
    n++;
  }
  return n > 0 ? (performance.now() - started) / n : 0;
}

export function iterationsFor(plan: TimingPlan, estimateMs: number): number {
  const wanted = estimateMs > 0 ? Math.round(plan.roundMs / estimateMs) : plan.maxIterations;
  return Math.max(plan.minIterations, Math.min(plan.maxIterations, wanted));
}
