import type { Settings } from '../shared/settings.ts';

/** Settings that passed every check, or the first field that did not and how to fix it. */
export type CheckedSettings =
  { ok: true; settings: Settings } | { ok: false; field: keyof Settings; message: string };

/** Checks a whole settings object (from a file, a CLI flag or the dashboard). */
export function validateSettings(input: Record<string, unknown>): CheckedSettings {
  const fail = (field: keyof Settings, message: string): CheckedSettings => ({ ok: false, field, message });
  const { name, port, bindAll, profile, difficulty, workers, allowRemoteMine, autoMine } = input;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 60) {
    return fail('name', 'The node name must be 1 to 60 characters.');
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    return fail('port', 'The port must be a whole number from 1 to 65535 (0 lets the system choose).');
  }
  if (typeof bindAll !== 'boolean') return fail('bindAll', 'bindAll must be true or false.');
  if (profile !== 'article' && profile !== 'dvf')
    return fail('profile', 'The profile must be "article" or "dvf".');
  if (typeof difficulty !== 'number' || !Number.isInteger(difficulty) || difficulty < 1 || difficulty > 12) {
    return fail(
      'difficulty',
      'The difficulty must be a whole number of leading zeros from 1 to 12 (the tutorial uses 4).',
    );
  }
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 0 || workers > 256) {
    return fail('workers', 'Mining workers must be a whole number from 0 (automatic) to 256.');
  }
  if (typeof allowRemoteMine !== 'boolean')
    return fail('allowRemoteMine', 'allowRemoteMine must be true or false.');
  if (typeof autoMine !== 'boolean') return fail('autoMine', 'autoMine must be true or false.');
  return {
    ok: true,
    settings: { name: name.trim(), port, bindAll, profile, difficulty, workers, allowRemoteMine, autoMine },
  };
}
