/** Types of asar-files.mjs: reading files as Electron's patched fs does (inside app.asar too). */
export function splitAsarPath(path: string): { archive: string; inner: string } | null;
export function appFileExists(path: string): boolean;
export function readAppFile(path: string): Buffer;
