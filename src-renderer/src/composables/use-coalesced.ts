import { ref, type Ref } from 'vue';

/**
 * Wraps a fetch so that calls made while it runs collapse into one more run after it: a burst of
 * events costs two fetches, not one per event. `again()` asks for that extra run from inside.
 */
export function useCoalesced(fetch: (again: () => void) => Promise<void>): {
  run: () => Promise<void>;
  loading: Ref<boolean>;
} {
  const loading = ref(false);
  let inFlight: Promise<void> | null = null;
  let dirty = false;
  const again = (): void => {
    dirty = true;
  };

  function run(): Promise<void> {
    if (inFlight) {
      dirty = true;
      return inFlight;
    }
    loading.value = true;
    inFlight = (async () => {
      try {
        do {
          dirty = false;
          await fetch(again);
        } while (dirty);
      } finally {
        inFlight = null;
        loading.value = false;
      }
    })();
    return inFlight;
  }

  return { run, loading };
}
