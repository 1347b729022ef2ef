import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { describeStartFailure, installQuitHandling } from '../../src-main/app/lifecycle.ts';

/** Electron's Event as before-quit passes it. */
function quitEvent(): { defaultPrevented: boolean; preventDefault: () => void } {
  const event = { defaultPrevented: false, preventDefault: () => void (event.defaultPrevented = true) };
  return event;
}

function setUp(stop: () => Promise<void>, stopTimeoutMs?: number) {
  const app = Object.assign(new EventEmitter(), { quit: vi.fn() });
  const powerMonitor = new EventEmitter();
  const stopMining = vi.fn();
  const log = vi.fn();
  const control = installQuitHandling({
    app: app as never,
    powerMonitor: powerMonitor as never,
    stopMining,
    stop: vi.fn(stop),
    stopTimeoutMs,
    log,
  });
  const beforeQuit = () => {
    const event = quitEvent();
    app.emit('before-quit', event);
    return event;
  };
  return { app, powerMonitor, stopMining, log, control, beforeQuit };
}

describe('quitting', () => {
  it('holds a quit the person asked for until the node has stopped, then quits', async () => {
    let finish!: () => void;
    const { app, stopMining, beforeQuit } = setUp(() => new Promise<void>((done) => (finish = done)));
    expect(beforeQuit().defaultPrevented).toBe(true);
    expect(stopMining).toHaveBeenCalledOnce();
    expect(beforeQuit().defaultPrevented).toBe(true);
    expect(app.quit).not.toHaveBeenCalled();
    finish();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledOnce());
    expect(beforeQuit().defaultPrevented).toBe(false);
  });

  it('never defers a quit that follows a system shutdown (macOS, Linux), and leaves once stopped', async () => {
    let finish!: () => void;
    const { app, powerMonitor, stopMining, beforeQuit } = setUp(
      () => new Promise<void>((done) => (finish = done)),
    );
    powerMonitor.emit('shutdown', quitEvent());
    expect(stopMining).toHaveBeenCalledOnce();
    expect(beforeQuit().defaultPrevented).toBe(false);
    finish();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledOnce());
  });

  it('stops mining when the Windows session ends', () => {
    const { control, stopMining, beforeQuit } = setUp(() => new Promise(() => undefined));
    control.sessionEnding();
    expect(stopMining).toHaveBeenCalledOnce();
    expect(beforeQuit().defaultPrevented).toBe(false);
  });

  it('quits anyway when the node does not stop in time, and when stopping fails', async () => {
    const slow = setUp(() => new Promise(() => undefined), 20);
    slow.beforeQuit();
    await vi.waitFor(() => expect(slow.app.quit).toHaveBeenCalledOnce());
    expect(slow.log).toHaveBeenCalledWith(expect.stringMatching(/did not stop within 20 ms/));
    const failing = setUp(() => Promise.reject(new Error('disk gone')));
    failing.beforeQuit();
    await vi.waitFor(() => expect(failing.app.quit).toHaveBeenCalledOnce());
    expect(failing.log).toHaveBeenCalledWith('error while stopping the node', expect.any(Error));
  });
});

describe('start-up failure', () => {
  it('says what happened, then what to do, naming the data folder', () => {
    const { title, content } = describeStartFailure(
      new Error('EISDIR: illegal operation'),
      '/home/t/.config/Blockparty',
    );
    expect(title).toBe('Blockparty could not start');
    expect(content.split('\n')[0]).toBe('EISDIR: illegal operation');
    expect(content).toContain('/home/t/.config/Blockparty');
    expect(content).toMatch(/Quit every other Blockparty window/);
  });
});
