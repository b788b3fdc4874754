/**
 * A streaming ZIP writer for outputs of very many small entries. archiver
 * (which the gateway's downloads use) keeps a few kilobytes of objects per
 * entry until the archive ends: over a gigabyte for 100,000 images. Here an
 * entry costs its central-directory record (~100 bytes) once written, and
 * ZIP64 records are added past 65,535 entries or 4 GiB, so any size works.
 * Entries are whole buffers: CRC and sizes go in the local header, with no
 * data descriptors.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';

const STORED = 0;
const DEFLATED = 8;
/** Version needed: 2.0, or 4.5 for ZIP64. */
const V20 = 20;
const V45 = 45;
/** General purpose flag: names are UTF-8. */
const UTF8 = 0x0800;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;

/** MS-DOS time and date, as ZIP headers hold them. */
function dosTime(d: Date): [number, number] {
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  const date = ((Math.max(d.getFullYear(), 1980) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  return [time, date];
}

export class ZipWriter {
  private offset = 0;
  private readonly central: Buffer[] = [];
  private centralSize = 0;
  private readonly time: number;
  private readonly date: number;

  constructor(
    private readonly out: Writable,
    date = new Date(),
  ) {
    [this.time, this.date] = dosTime(date);
  }

  private async write(buf: Buffer): Promise<void> {
    this.offset += buf.length;
    if (!this.out.write(buf)) await once(this.out, 'drain');
  }

  /** Adds one file; `compress` deflates it (worth it for text, not for PNG). */
  async add(name: string, data: Buffer, compress: boolean): Promise<void> {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const body = compress ? deflateRawSync(data) : data;
    const method = compress ? DEFLATED : STORED;
    const big = data.length >= MAX32 || body.length >= MAX32;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(big ? V45 : V20, 4);
    local.writeUInt16LE(UTF8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(this.time, 10);
    local.writeUInt16LE(this.date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(big ? MAX32 : body.length, 18);
    local.writeUInt32LE(big ? MAX32 : data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const localExtra = big ? zip64Extra([data.length, body.length]) : Buffer.alloc(0);
    local.writeUInt16LE(localExtra.length, 28);
    const at = this.offset;
    await this.write(Buffer.concat([local, nameBytes, localExtra]));
    await this.write(body);
    this.record(nameBytes, crc, method, data.length, body.length, at);
  }

  private record(name: Buffer, crc: number, method: number, size: number, packed: number, at: number): void {
    const wide = [size >= MAX32 ? size : -1, packed >= MAX32 ? packed : -1, at >= MAX32 ? at : -1];
    const extra = wide.some((v) => v >= 0) ? zip64Extra(wide.filter((v) => v >= 0)) : Buffer.alloc(0);
    const rec = Buffer.alloc(46);
    rec.writeUInt32LE(0x02014b50, 0);
    rec.writeUInt16LE((3 << 8) | V45, 4); // made by Unix, so the mode below counts
    rec.writeUInt16LE(extra.length ? V45 : V20, 6);
    rec.writeUInt16LE(UTF8, 8);
    rec.writeUInt16LE(method, 10);
    rec.writeUInt16LE(this.time, 12);
    rec.writeUInt16LE(this.date, 14);
    rec.writeUInt32LE(crc, 16);
    rec.writeUInt32LE(Math.min(packed, MAX32), 20);
    rec.writeUInt32LE(Math.min(size, MAX32), 24);
    rec.writeUInt16LE(name.length, 28);
    rec.writeUInt16LE(extra.length, 30);
    rec.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    rec.writeUInt32LE(Math.min(at, MAX32), 42);
    const whole = Buffer.concat([rec, name, extra]);
    this.central.push(whole);
    this.centralSize += whole.length;
  }

  /** Writes the central directory and ends `out`. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const rec of this.central) await this.write(rec);
    const count = this.central.length;
    const size = this.centralSize;
    if (count >= MAX16 || start >= MAX32 || size >= MAX32) {
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(0x06064b50, 0);
      end64.writeBigUInt64LE(44n, 4);
      end64.writeUInt16LE(V45, 12);
      end64.writeUInt16LE(V45, 14);
      end64.writeBigUInt64LE(BigInt(count), 24);
      end64.writeBigUInt64LE(BigInt(count), 32);
      end64.writeBigUInt64LE(BigInt(size), 40);
      end64.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(this.offset), 8);
      locator.writeUInt32LE(1, 16);
      await this.write(Buffer.concat([end64, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(count, MAX16), 8);
    end.writeUInt16LE(Math.min(count, MAX16), 10);
    end.writeUInt32LE(Math.min(size, MAX32), 12);
    end.writeUInt32LE(Math.min(start, MAX32), 16);
    await this.write(end);
    this.out.end();
  }
}

/** The ZIP64 extended-information extra field with the given 64-bit values, in the order the format fixes. */
function zip64Extra(values: number[]): Buffer {
  const buf = Buffer.alloc(4 + 8 * values.length);
  buf.writeUInt16LE(0x0001, 0);
  buf.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => buf.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return buf;
}
