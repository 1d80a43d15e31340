// The FIFO queue: order kept however it is filled and drained, across its compactions.
import { Fifo } from '../../src/kube/fifo.ts';

test('items leave in the order they came, through many compactions, and an empty queue gives undefined', () => {
  const fifo = new Fifo<number>();
  expect(fifo.shift()).toBeUndefined();
  const out: number[] = [];
  let next = 0;
  for (let round = 0; round < 50; round += 1) {
    for (let i = 0; i < 300; i += 1) fifo.push(next++);
    for (let i = 0; i < 200; i += 1) out.push(fifo.shift()!);
  }
  expect(fifo.length).toBe(50 * 100);
  while (fifo.length > 0) out.push(fifo.shift()!);
  expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
  expect(fifo.shift()).toBeUndefined();
});
