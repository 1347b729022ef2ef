import { onBeforeUnmount, onMounted, ref } from 'vue';
import type { Ref } from 'vue';

/**
 * How many rows of a long list to draw: `step` at first, `step` more each frame, then all. A screen
 * opening on 500 log lines then costs a few short tasks instead of one long one.
 */
export function useProgressive(count: () => number, step = 100): Ref<number> {
  const limit = ref(step);
  let frame = 0;
  const grow = (): void => {
    if (limit.value >= count()) {
      limit.value = Number.POSITIVE_INFINITY;
      return;
    }
    limit.value += step;
    frame = requestAnimationFrame(grow);
  };
  onMounted(() => (frame = requestAnimationFrame(grow)));
  onBeforeUnmount(() => cancelAnimationFrame(frame));
  return limit;
}
