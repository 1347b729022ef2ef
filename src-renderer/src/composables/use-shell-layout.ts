import { onBeforeUnmount, onMounted, ref, watch } from 'vue';
import type { Ref } from 'vue';

/**
 * Below this width, in rem of the zoomed root font, the sidebar folds into a bar above the page: 760 px
 * at 100 %, as the dashboard always folded. Measured in rem so that presenter zoom (which scales the
 * root font) folds the layout at the same point as the browser's own zoom would.
 */
export const NARROW_REM = 47.5;

/** Below this height, in rem, the status strip stops sticking to the top: it would cover too much. */
export const SHORT_REM = 26;

/** The shell's layout for the window's size at the current zoom. */
export interface ShellLayout {
  /** The sidebar is a bar above the page; notifications show under the status strip. */
  narrow: Ref<boolean>;
  /** Too short for a sticky status strip. */
  short: Ref<boolean>;
}

/**
 * Decides the shell's layout from the window size and the root font size, and writes it on <html>
 * (`data-layout="narrow|wide"`, `data-height="short|tall"`) for the stylesheet. Views lay themselves out
 * with container queries in rem on the page, which follow presenter zoom the same way.
 */
export function useShellLayout(zoom: Ref<number>): ShellLayout {
  const narrow = ref(false);
  const short = ref(false);
  const root = document.documentElement;

  function measure(): void {
    const size = getComputedStyle(root).fontSize;
    const rootPx = size.endsWith('px') ? Number.parseFloat(size) : (16 * zoom.value) / 100;
    narrow.value = window.innerWidth < NARROW_REM * rootPx;
    short.value = window.innerHeight < SHORT_REM * rootPx;
    root.dataset.layout = narrow.value ? 'narrow' : 'wide';
    root.dataset.height = short.value ? 'short' : 'tall';
  }

  // `flush: 'post'` so the new root font size is in place when measuring.
  watch(zoom, measure, { flush: 'post', immediate: true });
  onMounted(() => window.addEventListener('resize', measure));
  onBeforeUnmount(() => window.removeEventListener('resize', measure));
  return { narrow, short };
}
