/** A tiny zip writer for tests: hand-made packages (odd relationships, zip bombs) without committing big files. */
import fs from 'node:fs';
import zlib from 'node:zlib';

export interface ZipPart {
  name: string;
  data?: Buffer | string;
  /** a pre-deflated entry (see bomb()) */
  deflated?: { bytes: Buffer; size: number; crc: number };
}

export function writeZip(file: string, parts: ZipPart[]): void {
  const out: Buffer[] = [];
  const cd: Buffer[] = [];
  let off = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    let comp: Buffer, size: number, crc: number;
    if (p.deflated) ({ bytes: comp, size, crc } = p.deflated);
    else {
      const data = Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data ?? '');
      comp = zlib.deflateRawSync(data);
      size = data.length;
      crc = zlib.crc32(data);
    }
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(Math.min(size, 0xffffffff), 22);
    lh.writeUInt16LE(name.length, 26);
    out.push(lh, name, comp);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(Math.min(size, 0xffffffff), 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(off, 42);
    cd.push(ch, name);
    off += 30 + name.length + comp.length;
  }
  const cdBuf = Buffer.concat(cd);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(parts.length, 8);
  eocd.writeUInt16LE(parts.length, 10);
  eocd.writeUInt32LE(cdBuf.length, 12);
  eocd.writeUInt32LE(off, 16);
  fs.writeFileSync(file, Buffer.concat([...out, cdBuf, eocd]));
}

/**
 * A zip-bomb entry: prefix + `unit` repeated to `total` bytes + suffix, deflated without ever holding the
 * uncompressed bytes (one 16 MB block compressed once, full-flushed, repeated).
 */
export function bomb(prefix: string, unit: string, total: number, suffix: string): { bytes: Buffer; size: number; crc: number } {
  const CH = unit.length * Math.floor((1 << 24) / unit.length);
  const chunk = Buffer.alloc(CH);
  for (let i = 0; i < CH; i++) chunk[i] = unit.charCodeAt(i % unit.length);
  const ff = { finishFlush: zlib.constants.Z_FULL_FLUSH, level: 9 };
  const pre = Buffer.from(prefix);
  const parts = [zlib.deflateRawSync(pre, ff)];
  let crc = zlib.crc32(pre);
  let size = pre.length;
  const cc = zlib.deflateRawSync(chunk, ff);
  for (let k = 0; k < Math.floor(total / CH); k++) {
    parts.push(cc);
    crc = zlib.crc32(chunk, crc);
    size += CH;
  }
  const suf = Buffer.from(suffix);
  parts.push(zlib.deflateRawSync(suf));
  return { bytes: Buffer.concat(parts), size: size + suf.length, crc: zlib.crc32(suf, crc) };
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
export const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
export const workbookXml = (names: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${NS}" xmlns:r="${REL}"><sheets>${names.map((n, i) => `<sheet name="${n}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`;
export const workbookRels = (targets: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${targets
    .map((t, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="${t}"/>`)
    .join('')}</Relationships>`;
export const sheetXml = (rows: string[][], body = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData>${rows
    .map((r, i) => `<row r="${i + 1}">${r.map((v) => `<c t="inlineStr"><is><t>${v}</t></is></c>`).join('')}</row>`)
    .join('')}${body}</sheetData></worksheet>`;
