// Decodes the Kubernetes protobuf envelope ("k8s\0" + runtime.Unknown) that typed clients send
// (`kubectl create namespace`, `kubectl create secret`, `kubectl create configmap`, helm's
// release Secrets and their DeleteOptions) into the equivalent JSON object. Other kinds are
// rejected with 415.

import type { Obj } from './json.ts';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface Field { no: number; wire: number; value: bigint | Buffer }

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const b = buf[pos];
    if (b === undefined) throw new Error('truncated varint');
    pos += 1;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    const no = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, p2] = readVarint(buf, p1);
      out.push({ no, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, p1);
      const end = p2 + Number(len);
      out.push({ no, wire, value: buf.subarray(p2, end) });
      pos = end;
    } else if (wire === 1 || wire === 5) {
      pos = p1 + (wire === 1 ? 8 : 4);
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

const bytesOf = (f: Field): Buffer => (Buffer.isBuffer(f.value) ? f.value : Buffer.alloc(0));
const text = (f: Field): string => bytesOf(f).toString('utf8');

function mapEntry(f: Field, asBase64: boolean): [string, string] {
  let key = '';
  let value = '';
  for (const e of fields(bytesOf(f))) {
    if (e.no === 1) key = text(e);
    if (e.no === 2) value = asBase64 ? bytesOf(e).toString('base64') : text(e);
  }
  return [key, value];
}

function objectMeta(buf: Buffer): Obj {
  const m: Obj = {};
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const finalizers: string[] = [];
  for (const f of fields(buf)) {
    if (f.no === 1) m.name = text(f);
    else if (f.no === 2) m.generateName = text(f);
    else if (f.no === 3) m.namespace = text(f);
    else if (f.no === 11) { const [k, v] = mapEntry(f, false); labels[k] = v; }
    else if (f.no === 12) { const [k, v] = mapEntry(f, false); annotations[k] = v; }
    else if (f.no === 14) finalizers.push(text(f));
  }
  if (Object.keys(labels).length > 0) m.labels = labels;
  if (Object.keys(annotations).length > 0) m.annotations = annotations;
  if (finalizers.length > 0) m.finalizers = finalizers;
  return m;
}

function decodeRaw(kind: string, raw: Buffer): Obj {
  const obj: Obj = {};
  const data: Record<string, string> = {};
  const stringData: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const f of fields(raw)) {
    if (f.no === 1) obj.metadata = objectMeta(bytesOf(f));
    else if (kind === 'Secret' && f.no === 2) { const [k, v] = mapEntry(f, true); data[k] = v; }
    else if (kind === 'Secret' && f.no === 3) obj.type = text(f);
    else if (kind === 'Secret' && f.no === 4) { const [k, v] = mapEntry(f, false); stringData[k] = v; }
    else if (kind === 'Secret' && f.no === 5) obj.immutable = f.value === 1n;
    else if (kind === 'ConfigMap' && f.no === 2) { const [k, v] = mapEntry(f, false); data[k] = v; }
    else if (kind === 'ConfigMap' && f.no === 3) { const [k, v] = mapEntry(f, true); binaryData[k] = v; }
    else if (kind === 'ConfigMap' && f.no === 4) obj.immutable = f.value === 1n;
  }
  if (Object.keys(data).length > 0) obj.data = data;
  if (Object.keys(stringData).length > 0) obj.stringData = stringData;
  if (Object.keys(binaryData).length > 0) obj.binaryData = binaryData;
  return obj;
}

function deleteOptions(raw: Buffer): Obj {
  const out: Obj = {};
  const dryRun: string[] = [];
  for (const f of fields(raw)) {
    if (f.no === 1 && typeof f.value === 'bigint') out.gracePeriodSeconds = Number(f.value);
    else if (f.no === 2) {
      const pre: Obj = {};
      for (const p of fields(bytesOf(f))) {
        if (p.no === 1) pre.uid = text(p);
        if (p.no === 2) pre.resourceVersion = text(p);
      }
      out.preconditions = pre;
    } else if (f.no === 4) out.propagationPolicy = text(f);
    else if (f.no === 5) dryRun.push(text(f));
  }
  if (dryRun.length > 0) out.dryRun = dryRun;
  return out;
}

/** The JSON equivalent of a protobuf-encoded Namespace, Secret or ConfigMap; throws on anything else. */
export function decodeProtobufObject(body: Buffer): Obj {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw new Error('missing the protobuf envelope prefix');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  for (const f of fields(body.subarray(4))) {
    if (f.no === 1) {
      for (const t of fields(bytesOf(f))) {
        if (t.no === 1) apiVersion = text(t);
        if (t.no === 2) kind = text(t);
      }
    } else if (f.no === 2) {
      raw = bytesOf(f);
    }
  }
  if (kind === 'DeleteOptions') return { apiVersion, kind, ...deleteOptions(raw) };
  if (kind !== 'Namespace' && kind !== 'Secret' && kind !== 'ConfigMap') throw new Error(`protobuf bodies are supported for Namespace, Secret, ConfigMap and DeleteOptions only, not ${kind || 'an unnamed kind'}`);
  return { apiVersion, kind, ...decodeRaw(kind, raw) };
}
