// The request gate: at most its limit at once, the rest let through in the order they came,
// whether the ones ahead succeed or fail.
import { RequestGate } from '../../src/kube/request-gate.ts';

interface Held { started: boolean; finish: (ok: boolean) => void; done: Promise<string> }

function hold(gate: RequestGate, name: string, started: string[]): Held {
  let finish: (ok: boolean) => void = () => undefined;
  const held: Held = { started: false, finish: (ok) => finish(ok), done: Promise.resolve('') };
  held.done = gate.through(() => {
    held.started = true;
    started.push(name);
    return new Promise<string>((resolve, reject) => {
      finish = (ok) => (ok ? resolve(name) : reject(new Error(name)));
    });
  });
  return held;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('lets its limit through at once and the others in their order as places free up', async () => {
  const gate = new RequestGate(2);
  const started: string[] = [];
  const held = ['a', 'b', 'c', 'd', 'e'].map((n) => hold(gate, n, started));
  await settle();
  expect(started).toEqual(['a', 'b']);
  expect(gate.stats).toEqual({ running: 2, waiting: 3 });
  held[1]!.finish(true);
  await settle();
  expect(started).toEqual(['a', 'b', 'c']);
  held[0]!.finish(false);
  await expect(held[0]!.done).rejects.toThrow('a');
  await settle();
  expect(started).toEqual(['a', 'b', 'c', 'd']);
  // A newcomer waits behind the ones already waiting.
  const late = hold(gate, 'f', started);
  held[2]!.finish(true);
  await settle();
  expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
  for (const h of [held[3]!, held[4]!]) h.finish(true);
  await settle();
  late.finish(true);
  expect(await Promise.all([held[1]!.done, late.done])).toEqual(['b', 'f']);
  expect(gate.stats).toEqual({ running: 0, waiting: 0 });
});

test('a long queue drains completely, in order', async () => {
  const gate = new RequestGate(3);
  const order: number[] = [];
  await Promise.all(Array.from({ length: 5000 }, (_, i) => gate.through(async () => {
    await settle();
    order.push(i);
  })));
  expect(order).toHaveLength(5000);
  expect(order.slice(0, 3)).toEqual([0, 1, 2]);
  expect(gate.stats).toEqual({ running: 0, waiting: 0 });
});
