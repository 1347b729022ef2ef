import { getCurrentScope, onScopeDispose, shallowRef, watch } from 'vue';
import type { Ref, WatchSource } from 'vue';

/**
 * A copy of `source` that follows it at most once per `ms`: the first change shows at once, later ones
 * within the interval collapse into one update at its end (always the latest value). Screens use it for
 * what an auto-mining node changes dozens of times a second, which nobody can read that fast anyway.
 * A change of one of `flushOn` (what the person typed or chose) shows at once.
 */
export function useThrottled<T>(
  source: () => T,
  ms: number,
  options: { flushOn?: WatchSource[] } = {},
): Readonly<Ref<T>> {
  const copy = shallowRef(source()) as Ref<T>;
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  function apply(): void {
    timer = null;
    last = Date.now();
    copy.value = source();
  }

  if (options.flushOn?.length) {
    watch(options.flushOn, () => {
      if (timer !== null) clearTimeout(timer);
      apply();
    });
  }

  watch(source, () => {
    if (timer !== null) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) apply();
    else timer = setTimeout(apply, wait);
  });

  if (getCurrentScope()) {
    onScopeDispose(() => {
      if (timer !== null) clearTimeout(timer);
    });
  }
  return copy;
}
