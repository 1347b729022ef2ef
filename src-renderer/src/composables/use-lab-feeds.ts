import { onBeforeUnmount, onMounted } from 'vue';
import { useLabStore } from '@renderer/stores/lab';
import type { LabFeed } from '@renderer/stores/lab';

/** Keeps the lab's feeds live while the calling component is mounted (see the lab store's `follow`). */
export function useLabFeeds(...feeds: LabFeed[]): void {
  const lab = useLabStore();
  let releases: (() => void)[] = [];
  onMounted(() => {
    releases = feeds.map((feed) => lab.follow(feed));
  });
  onBeforeUnmount(() => {
    for (const release of releases) release();
    releases = [];
  });
}
