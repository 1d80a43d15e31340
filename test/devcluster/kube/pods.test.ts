// Pods on the emulated kubelet: containers run as local processes from an image that is a local
// directory, their states and exit codes reach the pod's status, the real kubectl reads their
// logs, deletion is graceful (SIGTERM, SIGKILL after the grace period, then the pod goes), and
// the node's selector, an OOM kill and an eviction look as they do on a real node. The grace
// period and restarts run on a fake clock; only the processes themselves take real time.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKubeClient, type KubeClient } from '../../../src/kube/kube-client.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { waitFor } from '../../support/wait.ts';
import { startEmulator, type Emulator, type Json } from './support.ts';

const PODS = { group: '', version: 'v1', plural: 'pods' };

const SCRIPT = `#!/bin/sh
echo "hello from $POD_NAME in $POD_NAMESPACE at $POD_IP with $SECRET"
echo "on stderr" >&2
case "$1" in
  fail) exit 3 ;;
  stubborn) trap 'echo got TERM' TERM; echo trapping; while :; do sleep 0.05; done ;;
  sleep) exec sleep 60 ;;
  oom) kill -9 $$ ;;
esac
echo "done"
`;

let kube: Emulator;
let client: KubeClient;
const clock = new FakeClock(Date.now());

beforeAll(async () => {
  const image = path.join(tmpdir(), `pod-image-${process.pid}`);
  await mkdir(path.join(image, 'bin'), { recursive: true });
  await writeFile(path.join(image, 'bin', 'run'), SCRIPT);
  await chmod(path.join(image, 'bin', 'run'), 0o755);
  kube = await startEmulator({
    clock,
    kubelet: { workDir: path.join(image, 'logs'), images: { 'demo:1': { root: image, env: { IMAGE_HOME: image } } }, nodeLabels: { disk: 'ssd' } },
  });
  client = createKubeClient({ kubeConfig: { from: 'file', path: kube.kubeconfigPath } });
  await kube.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { token: Buffer.from('s3cret').toString('base64') } }) });
});

afterAll(async () => {
  await kube.close();
});

function pod(name: string, args: string[], extra: Json = {}): Json {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: {
      restartPolicy: 'Never',
      containers: [{
        name: 'main', image: 'demo:1', command: ['/bin/run'], args,
        env: [
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'SECRET', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
        ],
      }],
      ...extra,
    },
  };
}

const get = (name: string): Promise<Json | undefined> => client.get<Json>({ ...PODS, namespace: 'default', name }).catch(() => undefined);
const waitForPod = (name: string, what: string, match: (p: Json) => boolean): Promise<Json> =>
  waitFor(async () => { const p = await get(name); return p !== undefined && match(p) ? p : undefined; }, `${name}: ${what}`);
const terminated = (p: Json): Json | undefined => p.status?.containerStatuses?.[0]?.state?.terminated;

test('a pod runs its command from its image; its exit code, its status and its log as kubectl shows them', async () => {
  await client.create(PODS, 'default', pod('ok', []));
  const done = await waitForPod('ok', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
  expect(done.spec.nodeName).toBe('emulated-node');
  expect(terminated(done)).toMatchObject({ exitCode: 0, reason: 'Completed' });
  const logs = await kube.kubectl(['logs', 'ok']);
  expect(logs).toMatchObject({ code: 0, stdout: 'hello from ok in default at 127.0.0.1 with s3cret\non stderr\ndone\n' });
  expect((await kube.kubectl(['logs', 'ok', '--tail=1'])).stdout).toBe('done\n');
  expect((await kube.kubectl(['get', 'pod', 'ok'])).stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nok\s+0\/1\s+Completed\s+0\s+/);
});

test('a failing container fails the pod with its exit code; a SIGKILL the kubelet did not send is an OOM kill', async () => {
  await client.create(PODS, 'default', pod('bad', ['fail']));
  await client.create(PODS, 'default', pod('oom', ['oom']));
  expect(terminated(await waitForPod('bad', 'Failed', (p) => p.status?.phase === 'Failed'))).toMatchObject({ exitCode: 3, reason: 'Error' });
  expect(terminated(await waitForPod('oom', 'Failed', (p) => p.status?.phase === 'Failed'))).toMatchObject({ exitCode: 137, reason: 'OOMKilled', signal: 9 });
});

test('kubectl logs -f follows a running container to its end', async () => {
  await client.create(PODS, 'default', pod('follow', ['stubborn']));
  await waitForPod('follow', 'Running', (p) => p.status?.phase === 'Running');
  const following = kube.spawnKubectl(['logs', '-f', 'follow']);
  await waitFor(() => following.output().includes('on stderr'), 'the log so far');
  expect(kube.server.kubelet?.oomKill('default', 'follow')).toBe(true);
  expect(await following.done).toMatchObject({ code: 0, stdout: expect.stringContaining('hello from follow') });
  expect(terminated(await waitForPod('follow', 'OOMKilled', (p) => p.status?.phase === 'Failed'))).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
});

test('graceful deletion: SIGTERM, SIGKILL once the grace period is over, the final status, then the pod is gone', async () => {
  await client.create(PODS, 'default', pod('stubborn', ['stubborn'], { terminationGracePeriodSeconds: 20 }));
  // Deleted only once it handles SIGTERM (before its trap, SIGTERM would end it at once).
  await waitFor(async () => (await kube.kubectl(['logs', 'stubborn'])).stdout.includes('trapping'), 'the container to set its trap');
  const seen: string[] = [];
  const stop = kube.server.onRequest((r) => seen.push(`${r.verb} ${r.name}`));
  await client.delete({ ...PODS, namespace: 'default', name: 'stubborn' });
  const marked = await get('stubborn');
  expect(marked?.metadata).toMatchObject({ deletionGracePeriodSeconds: 20 });
  await waitFor(async () => (await kube.kubectl(['logs', 'stubborn'])).stdout.includes('got TERM'), 'the container to see SIGTERM');
  expect(await get('stubborn')).toBeDefined();
  clock.advance(20_000);
  await waitFor(async () => (await get('stubborn')) === undefined, 'the pod to go after SIGKILL');
  stop();
  expect(seen).toContain('delete stubborn');
});

test('a force delete removes the pod at once and kills its container; a pod that never ran goes at once', async () => {
  await client.create(PODS, 'default', pod('forced', ['sleep']));
  await waitForPod('forced', 'Running', (p) => p.status?.phase === 'Running');
  const result = await kube.kubectl(['delete', 'pod', 'forced', '--grace-period=0', '--force']);
  expect(result.code).toBe(0);
  expect(await get('forced')).toBeUndefined();
  await client.create(PODS, 'default', pod('nowhere', [], { nodeSelector: { disk: 'hdd' } }));
  const pending = await waitForPod('nowhere', 'Unschedulable', (p) => p.status?.conditions?.[0]?.reason === 'Unschedulable');
  expect(pending.status.phase).toBe('Pending');
  await client.delete({ ...PODS, namespace: 'default', name: 'nowhere' });
  expect(await get('nowhere')).toBeUndefined();
});

test('an unknown image and a missing secret leave the pod Pending, and kubectl logs says why', async () => {
  const noImage = pod('noimage', []);
  noImage.spec.containers = [{ name: 'main', image: 'nope:1' }];
  await client.create(PODS, 'default', noImage);
  const waiting = await waitForPod('noimage', 'ErrImagePull', (p) => p.status?.containerStatuses?.[0]?.state?.waiting !== undefined);
  expect(waiting.status.containerStatuses[0].state.waiting).toMatchObject({ reason: 'ErrImagePull' });
  expect(await kube.kubectl(['logs', 'noimage'])).toMatchObject({
    code: 1, stderr: expect.stringContaining('container "main" in pod "noimage" is waiting to start: trying and failing to pull image'),
  });
  const noSecret = pod('nosecret', []);
  noSecret.spec.containers[0].env = [{ name: 'X', valueFrom: { secretKeyRef: { name: 'missing', key: 'k' } } }];
  await client.create(PODS, 'default', noSecret);
  const config = await waitForPod('nosecret', 'CreateContainerConfigError', (p) => p.status?.containerStatuses?.[0]?.state?.waiting !== undefined);
  expect(config.status.containerStatuses[0].state.waiting).toMatchObject({ reason: 'CreateContainerConfigError', message: "couldn't find key k in Secret default/missing" });
});

test('an eviction fails the pod with reason Evicted and keeps it', async () => {
  await client.create(PODS, 'default', pod('evicted', ['sleep']));
  await waitForPod('evicted', 'Running', (p) => p.status?.phase === 'Running');
  expect(kube.server.kubelet?.evict('default', 'evicted')).toBe(true);
  const failed = await waitForPod('evicted', 'Evicted', (p) => p.status?.phase === 'Failed');
  expect(failed.status).toMatchObject({ reason: 'Evicted', message: 'The node was low on resource: memory. ' });
  // kubectl's STATUS prefers a container's reason to the pod's, as the real printer does.
  expect((await kube.kubectl(['get', 'pod', 'evicted'])).stdout).toMatch(/evicted\s+0\/1\s+Error/);
});

test('restartPolicy OnFailure restarts a failed container; --previous reads the run before', async () => {
  await client.create(PODS, 'default', pod('again', ['fail'], { restartPolicy: 'OnFailure' }));
  await waitForPod('again', 'first failure', (p) => terminated(p)?.exitCode === 3);
  clock.advance(1000);
  await waitForPod('again', 'a restart', (p) => p.status?.containerStatuses?.[0]?.restartCount === 1);
  expect((await kube.kubectl(['logs', 'again', '--previous'])).stdout).toContain('hello from again');
  await client.delete({ ...PODS, namespace: 'default', name: 'again' });
});
