// RecordIO framing as the Mesos master streams it: `<decimal byte length>\n<bytes>`, repeated.
// The decoder is incremental (chunk boundaries are unrelated to record boundaries), bounds its
// buffer by a maximum record size, and reports every malformation as a RecordIOError.

const NEWLINE = 0x0a;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** 2^64 has 20 decimal digits; a longer size line is garbage. */
const MAX_SIZE_DIGITS = 20;
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

export class RecordIOError extends Error {
  override readonly name = 'RecordIOError';
}

export function encodeRecord(data: Uint8Array): Uint8Array {
  const header = Buffer.from(`${data.length}\n`, 'ascii');
  return Buffer.concat([header, data]);
}

export class RecordIODecoder {
  private sizeDigits = '';
  private expected = -1;
  private parts: Uint8Array[] = [];
  private received = 0;
  private failure: RecordIOError | undefined;
  private readonly maxRecordBytes: number;

  constructor(maxRecordBytes: number = DEFAULT_MAX_RECORD_BYTES) {
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Bytes held for a record not yet complete (at most the maximum record size). */
  get bufferedBytes(): number {
    return this.received + this.sizeDigits.length;
  }

  /** Feeds one chunk; returns the records it completes. Throws RecordIOError on bad input. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.failure) throw this.failure;
    const records: Uint8Array[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.expected < 0) {
        this.readSizeByte(chunk[i] as number, records);
        i += 1;
        continue;
      }
      const take = Math.min(this.expected - this.received, chunk.length - i);
      const slice = chunk.subarray(i, i + take);
      i += take;
      if (this.received === 0 && take === this.expected) {
        records.push(slice);
        this.expected = -1;
        continue;
      }
      // Copy partial pieces so a small remainder does not pin the caller's whole chunk.
      this.parts.push(Uint8Array.from(slice));
      this.received += take;
      if (this.received === this.expected) {
        records.push(Buffer.concat(this.parts, this.expected));
        this.parts = [];
        this.received = 0;
        this.expected = -1;
      }
    }
    return records;
  }

  /** Declares the end of the stream; throws if it ended inside a record. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.expected >= 0 || this.sizeDigits.length > 0) {
      this.fail(`stream ended inside a record (${this.bufferedBytes} bytes pending)`);
    }
  }

  private readSizeByte(byte: number, records: Uint8Array[]): void {
    if (byte === NEWLINE) {
      if (this.sizeDigits.length === 0) this.fail('empty record size line');
      const size = Number(this.sizeDigits);
      this.sizeDigits = '';
      if (size === 0) {
        records.push(new Uint8Array(0));
        return;
      }
      this.expected = size;
      return;
    }
    if (byte < DIGIT_0 || byte > DIGIT_9) {
      this.fail(`unexpected byte 0x${byte.toString(16).padStart(2, '0')} in record size`);
    }
    this.sizeDigits += String.fromCharCode(byte);
    if (this.sizeDigits.length > MAX_SIZE_DIGITS) this.fail('record size line is too long');
    if (Number(this.sizeDigits) > this.maxRecordBytes) {
      this.fail(`record of ${this.sizeDigits}+ bytes exceeds the maximum of ${this.maxRecordBytes}`);
    }
  }

  private fail(message: string): never {
    this.failure = new RecordIOError(message);
    this.parts = [];
    this.received = 0;
    throw this.failure;
  }
}
