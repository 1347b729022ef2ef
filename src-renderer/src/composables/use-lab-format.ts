import { getCurrentScope, onScopeDispose, ref } from 'vue';
import type { Ref } from 'vue';

/** The time, ticking every `ms` while the caller lives (countdowns and "12 s ago" must move on screen). */
export function useNow(ms = 1000): Ref<number> {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), ms);
  if (getCurrentScope()) onScopeDispose(() => clearInterval(timer));
  return now;
}

/**
 * A colour for a node id, the same on every screen and every laptop, so a class can follow one miner's
 * blocks through the tree and the network view. Ids are hex (uuid4().hex); anything else is hashed.
 */
export function minerColor(id: string | null): string {
  if (id === null || id === '') return 'var(--fg-subtle)';
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619) >>> 0;
  return `hsl(${hash % 360} 65% 48%)`;
}

/** `ab12cd…ef`: a node id cut for a label, when the node has no name. */
export function shortId(id: string): string {
  return id.length > 10 ? `${id.slice(0, 6)}…${id.slice(-2)}` : id;
}

/** Whether a character takes two columns (CJK, full-width forms, most emoji). */
function wide(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code >= 0x2e80 && !(code >= 0xff61 && code <= 0xffdc);
}

/**
 * A text cut to `max` columns with an ellipsis, a Chinese character counting two (SVG text cannot
 * ellipsise by itself, and a name typed in Chinese is twice as wide as one in Latin letters).
 */
export function clip(text: string, max: number): string {
  let width = 0;
  let out = '';
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    width += wide(char) ? 2 : 1;
    if (width > max || (width === max && i < chars.length - 1)) return `${out}…`;
    out += char;
  }
  return out;
}
