import { storeToRefs } from 'pinia';
import { useNodeStore } from '@renderer/stores/node';

/**
 * Names for node ids, where the dashboard knows them. Today that is our own node; when the DTOs carry
 * the names of other nodes (peers announce theirs), pass them as `known` and they win.
 */
export function useNodeNames(): { nameOf: (address: string, known?: string | null) => string | null } {
  const { status } = storeToRefs(useNodeStore());
  function nameOf(address: string, known?: string | null): string | null {
    if (known) return known;
    return status.value && address === status.value.nodeId ? status.value.name : null;
  }
  return { nameOf };
}
