import { jest } from '@jest/globals';
import { Lifecycle } from '../src/lifecycle.ts';
import type { Logger } from '../src/runtime/logger.ts';
import { silentLogger } from '../src/runtime/logger.ts';
import { FakeClock } from './fakes/fake-clock.ts';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function recordingLogger(): { log: Logger; lines: { level: string; fields: unknown; msg: string }[] } {
  const lines: { level: string; fields: unknown; msg: string }[] = [];
  const at = (level: string) => (fields: unknown, msg: string): void => { lines.push({ level, fields, msg }); };
  const log = { ...silentLogger, warn: at('warn'), error: at('error') } as Logger;
  return { log, lines };
}

describe('Lifecycle', () => {
  it('stops intake, then controllers, then servers, each stage waiting for the one before', async () => {
    const clock = new FakeClock();
    const lifecycle = new Lifecycle({ clock, log: silentLogger });
    const events: string[] = [];
    let releaseOperator: () => void = () => undefined;
    lifecycle.add('servers', { name: 'ui', stop: () => { events.push('ui'); return Promise.resolve(); } });
    lifecycle.add('controllers', { name: 'operator', stop: () => new Promise((resolve) => { events.push('operator:start'); releaseOperator = () => { events.push('operator:end'); resolve(); }; }) });
    lifecycle.add('intake', { name: 'rest', stop: () => { events.push('rest'); return Promise.resolve(); } });

    const stopped = lifecycle.stop();
    expect(lifecycle.isStopping).toBe(true);
    await settle();
    expect(events).toEqual(['rest', 'operator:start']);
    releaseOperator();
    await stopped;
    await lifecycle.done;
    expect(events).toEqual(['rest', 'operator:start', 'operator:end', 'ui']);
    expect(lifecycle.stop()).toBe(stopped);
  });

  it('gives up at the deadline and names the parts still stopping', async () => {
    const clock = new FakeClock();
    const { log, lines } = recordingLogger();
    const lifecycle = new Lifecycle({ clock, log, deadlineMs: 25_000 });
    const uiStopped = jest.fn(() => Promise.resolve());
    lifecycle.add('controllers', { name: 'operator', stop: () => new Promise<void>(() => undefined) });
    lifecycle.add('servers', { name: 'ui', stop: uiStopped });

    let done = false;
    void lifecycle.done.then(() => { done = true; });
    void lifecycle.stop();
    await settle();
    clock.advance(24_999);
    await settle();
    expect(done).toBe(false);
    clock.advance(1);
    await settle();
    expect(done).toBe(true);
    expect(uiStopped).not.toHaveBeenCalled();
    expect(lines).toEqual([expect.objectContaining({ level: 'error', fields: { stillStopping: ['operator'] } })]);
  });

  it('goes on past a part that fails to stop, and logs which', async () => {
    const { log, lines } = recordingLogger();
    const lifecycle = new Lifecycle({ clock: new FakeClock(), log });
    const uiStopped = jest.fn(() => Promise.resolve());
    lifecycle.add('intake', { name: 'rest', stop: () => Promise.reject(new Error('socket gone')) });
    lifecycle.add('servers', { name: 'ui', stop: uiStopped });
    await lifecycle.stop();
    expect(uiStopped).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', fields: { part: 'rest', err: 'socket gone' } })]);
  });

  it('stops at once a part added after its stage began stopping (a signal during start-up)', async () => {
    const lifecycle = new Lifecycle({ clock: new FakeClock(), log: silentLogger });
    await lifecycle.stop();
    const lateServer = jest.fn(() => Promise.resolve());
    lifecycle.add('servers', { name: 'late', stop: lateServer });
    expect(lateServer).toHaveBeenCalledTimes(1);
  });
});
