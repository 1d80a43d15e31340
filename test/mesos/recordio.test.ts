import fc from 'fast-check';
import { RecordIODecoder, RecordIOError, encodeRecord } from '../../src/mesos/recordio.ts';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(start, p));
    start = p;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

describe('RecordIO encoding', () => {
  test('writes the decimal byte length, a newline, then the bytes', () => {
    expect(text(encodeRecord(Buffer.from('{"type":"HEARTBEAT"}')))).toBe('20\n{"type":"HEARTBEAT"}');
  });

  test('counts bytes, not characters', () => {
    const record = encodeRecord(Buffer.from('{"type":"ERROR","error":{"message":"déjà"}}', 'utf8'));
    expect(text(record).startsWith('45\n')).toBe(true);
  });
});

describe('RecordIO decoding', () => {
  test('decodes several records from one chunk and a record spread over many', () => {
    const decoder = new RecordIODecoder();
    expect(decoder.push(Buffer.from('2\nab3\nxyz1')).map(text)).toEqual(['ab', 'xyz']);
    expect(decoder.push(Buffer.from('0\n')).map(text)).toEqual([]);
    expect(decoder.push(Buffer.from('12345678')).map(text)).toEqual([]);
    expect(decoder.push(Buffer.from('90')).map(text)).toEqual(['1234567890']);
    expect(decoder.bufferedBytes).toBe(0);
  });

  test('accepts a zero-length record', () => {
    expect(new RecordIODecoder().push(Buffer.from('0\n1\na')).map(text)).toEqual(['', 'a']);
  });

  test.each([
    ['a non-digit in the size', 'x\nabc', /unexpected byte 0x78 in record size/],
    ['an empty size line', '\nabc', /empty record size line/],
    ['a size line that never ends', '123456789012345678901', /too long|exceeds/],
    ['a record above the maximum', '1025\n', /exceeds the maximum of 1024/],
  ])('rejects %s', (_name, input, message) => {
    const decoder = new RecordIODecoder(1024);
    expect(() => decoder.push(Buffer.from(input))).toThrow(message);
    expect(() => decoder.push(Buffer.from('1\na'))).toThrow(RecordIOError);
  });

  test('end() inside a record is an error, and at a boundary is fine', () => {
    const complete = new RecordIODecoder();
    complete.push(Buffer.from('1\na'));
    expect(() => complete.end()).not.toThrow();
    const partial = new RecordIODecoder();
    partial.push(Buffer.from('5\nab'));
    expect(() => partial.end()).toThrow(/ended inside a record \(2 bytes pending\)/);
  });

  test('property: any chunking of a valid stream yields the same records', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (records, cuts) => {
          const stream = Buffer.concat(records.map(encodeRecord));
          const decoder = new RecordIODecoder(300);
          const out = splitAt(stream, cuts).flatMap((chunk) => decoder.push(chunk));
          decoder.end();
          expect(out.map((r) => Buffer.from(r).toString('hex'))).toEqual(records.map((r) => Buffer.from(r).toString('hex')));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('property: garbage never escapes the error path nor grows the buffer past the maximum', () => {
    const max = 256;
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 12 }), (chunks) => {
        const decoder = new RecordIODecoder(max);
        for (const chunk of chunks) {
          try {
            for (const record of decoder.push(chunk)) expect(record.length).toBeLessThanOrEqual(max);
          } catch (error) {
            expect(error).toBeInstanceOf(RecordIOError);
            return;
          }
          expect(decoder.bufferedBytes).toBeLessThanOrEqual(max + 20);
        }
      }),
      { numRuns: 500 },
    );
  });
});
