import { message, type Message } from '../shared/messages.ts';

/** What a failed file operation means for a person: the disk is full, read-only, not ours, or broken. */
export function storageReason(error: unknown, dir: string): Message {
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return message('storage-full', { dir });
    case 'EROFS':
      return message('storage-read-only', { dir });
    case 'EACCES':
    case 'EPERM':
      return message('storage-permission', { dir });
    default:
      return message('storage-io', { dir, error: error instanceof Error ? error.message : String(error) });
  }
}
