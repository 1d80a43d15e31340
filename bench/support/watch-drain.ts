// A watch on every SparkDriver that reads and drops its events: the load a controller's
// informer puts on the API server, for measuring the raw write ceiling under it.
import http from 'node:http';

export interface WatchDrain {
  /** Events received so far. */
  events(): number;
  close(): void;
}

export async function drainWatch(kubeUrl: string): Promise<WatchDrain> {
  let events = 0;
  const request = http.get(`${kubeUrl}/apis/sparkmesos.io/v1alpha1/sparkdrivers?watch=true&allowWatchBookmarks=true`);
  await new Promise<void>((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (response) => {
      response.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) events += 1;
      });
      response.on('error', () => undefined);
      resolve();
    });
  });
  return {
    events: () => events,
    close: () => request.destroy(),
  };
}
