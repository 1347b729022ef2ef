import { storeToRefs } from 'pinia';
import { computed, shallowRef, watch } from 'vue';
import type { MiningProgress } from '@shared/api';
import { useNodeStore } from '@renderer/stores/node';
import type { RateSample } from '@renderer/stores/node';

/**
 * Mining as the dashboard shows it. The node itself keeps auto-mine steady: `active` stays true from
 * one block to the next and the hash rate is kept between blocks, so those come from the node as
 * they are. What is left to smooth: at difficulty 4 most blocks are found before their first progress
 * report, so the search's details (candidates tried, elapsed, expected) would flicker to "—" many
 * times a second; the last report stays up while mining goes on. And a Stop reads as stopped at once,
 * without waiting for the search under way to wind down.
 */
export function useMiningView() {
  const node = useNodeStore();
  const { mining, isMining, hashRate, stopping } = storeToRefs(node);

  /** Mining a block, or auto-mine between two blocks; false as soon as Stop is pressed. */
  const running = computed(() => isMining.value && !stopping.value);
  /** Auto-mine is on, as the node runs it. */
  const auto = computed(() => running.value && (mining.value?.auto ?? false));
  /** The node's hash rate, kept between blocks (0 until the first report, and when idle). */
  const rate = computed(() => (running.value ? hashRate.value : 0));
  /** Blocks this node mined over the last minute. */
  const blocksPerMinute = computed(() => mining.value?.blocksPerMinute ?? 0);

  const lastProgress = shallowRef<MiningProgress | null>(null);
  watch(
    () => mining.value?.progress ?? null,
    (progress) => {
      if (progress) lastProgress.value = progress;
    },
    { immediate: true },
  );
  watch(running, (on) => {
    if (!on) lastProgress.value = null;
  });
  /** The latest progress report while running, null when idle. */
  const progress = computed(() => (running.value ? (mining.value?.progress ?? lastProgress.value) : null));

  /** Stops the search and auto-mine; the screen says so at once. */
  function stop(): Promise<void> {
    return node.stopMining();
  }

  return { running, auto, rate, blocksPerMinute, progress, stop };
}

/**
 * The hash-rate series for the sparkline: the highest rate in each `binMs`, so the chart draws a few
 * hundred points at most and a dip inside one second (a restart on a new tip) does not saw the line.
 */
export function binSamples(samples: readonly RateSample[], binMs = 1000): RateSample[] {
  const out: RateSample[] = [];
  for (const sample of samples) {
    const t = Math.floor(sample.t / binMs) * binMs;
    const last = out[out.length - 1];
    if (last && last.t === t) {
      if (sample.rate > last.rate) last.rate = sample.rate;
    } else out.push({ t, rate: sample.rate });
  }
  return out;
}
