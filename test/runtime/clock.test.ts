import { systemClock } from '../../src/runtime/clock.ts';

test('a delay beyond setTimeout\'s 32-bit limit neither fires early nor warns', () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  let fired = false;
  const cancel = systemClock.setTimer(2147483647 * 1000, () => { fired = true; });
  return new Promise<void>((resolve) => setTimeout(resolve, 20)).then(() => {
    cancel();
    process.off('warning', onWarning);
    expect(fired).toBe(false);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });
});

test('an ordinary delay fires once, and a cancelled one never', async () => {
  const fired: string[] = [];
  systemClock.setTimer(1, () => fired.push('a'));
  const cancel = systemClock.setTimer(1, () => fired.push('b'));
  cancel();
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(fired).toEqual(['a']);
});
