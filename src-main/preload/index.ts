/** Preload bundle: exposes the dashboard API (filled in by the desktop app issue). */
export {};
