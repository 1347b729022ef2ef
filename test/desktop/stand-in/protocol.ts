/** What the stand-in and the test say to each other: commands on stdin, events on fd 3 (JSON lines). */

/** What the test asks the stand-in to do, as a person or the operating system would. */
export type StandInCommand =
  /** The application menu's Quit (Electron's default menu: role 'quit'). */
  | { type: 'menu-quit' }
  /** The window's close button. */
  | { type: 'close-window' }
  /** macOS / Linux shutdown: powerMonitor `shutdown`, then the OS asks the app to quit. */
  | { type: 'os-shutdown' }
  /** Windows shutdown: `query-session-end`, `session-end`, then the process is ended. */
  | { type: 'session-end' };

/** What happened in the stand-in. */
export type StandInEvent =
  | { type: 'ready'; cdpPort: number }
  | { type: 'window'; id: number; event: 'created' | 'shown' | 'focused' | 'closed' }
  | { type: 'dialog'; kind: 'error-box' | 'message-box'; title: string; message: string; detail?: string }
  | { type: 'preload-ran'; id: number }
  | { type: 'preload-error'; message: string }
  | { type: 'renderer-error'; message: string }
  | { type: 'main-error'; message: string }
  | { type: 'navigation-blocked'; url: string }
  | { type: 'open-external'; url: string }
  | { type: 'second-instance' }
  /** The app deferred a quit that the operating system asked for: a shutdown would be aborted. */
  | { type: 'os-quit-refused' }
  | { type: 'exit'; code: number };
