/**
 * Text encodings of CSV/TXT sources (and of HTML-disguised .xls): UTF-8 (with or without BOM) and GBK/GB18030.
 *
 * Detection order for encoding 'auto' (STACK §3): BOM → strict UTF-8 on the head (TextDecoder-equivalent
 * `isUtf8`, with a cut-off last character tolerated) → GB18030. GB18030 is a superset of GBK, so 'gbk' is always
 * decoded as 'gb18030' (iconv-lite is the reference: Node's TextDecoder maps a few codes differently).
 * Shift-JIS and Big5 bytes also decode "cleanly" as GB18030 (silent mojibake), so a GB18030 guess must pass two
 * checks: chardet must not be sure of another CJK encoding, and most double-byte characters must sit in the
 * GB2312 block (lead byte ≥ 0xA1) where real Chinese text lives — Shift-JIS kanji lead bytes are 0x81–0x9F/0xE0–0xEF.
 */
import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import chardet from 'chardet';
import type { EncodingOption } from '../config/types.js';
import { badEncoding, emptyFile } from './readers/diagnostics.js';

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';

export const HEAD_BYTES = 64 * 1024;

export function readHead(path: string, bytes = HEAD_BYTES): Buffer {
  const fd = fs.openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Length of the longest prefix that does not end inside a UTF-8 multi-byte sequence. */
export function utf8CompletePrefix(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= 4 && back <= n; back++) {
    const b = buf[n - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    if (b < 0x80) return n;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return back < need ? n - back : n;
  }
  return n;
}

/** Strict UTF-8 check of a head that may be cut in the middle of a character. */
export function isUtf8Head(buf: Buffer, complete: boolean): boolean {
  return isUtf8(complete ? buf : buf.subarray(0, utf8CompletePrefix(buf)));
}

function isBlankText(s: string): boolean {
  return /^[\s\u3000\ufeff]*$/.test(s);
}

/** Why GB18030 is not a plausible reading of these bytes, or null when it is. */
export function gb18030Implausible(head: Buffer, complete: boolean): { en: string; zh: string } | null {
  // drop a possibly cut last character
  let end = head.length;
  if (!complete) {
    const lf = head.lastIndexOf(0x0a);
    if (lf > 0) end = lf + 1;
  }
  const buf = head.subarray(0, end);
  const text = iconv.decode(buf, 'gb18030');
  const bad = (text.match(/\ufffd/g) || []).length;
  if (bad > 0) return { en: `${bad} byte sequences are invalid in GB18030 as well as in UTF-8`, zh: `有 ${bad} 处字节既不是合法的 UTF-8 也不是合法的 GBK/GB18030` };
  // lead bytes of double-byte characters
  let low = 0;
  let total = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b < 0x80) continue;
    const t = buf[i + 1];
    if (t >= 0x30 && t <= 0x39) {
      i += 3; // four-byte GB18030
      total++;
      continue;
    }
    total++;
    if (b < 0xa1) low++;
    i++;
  }
  if (total >= 4 && low / total > 0.5) {
    return {
      en: `it looks like Shift-JIS or another non-Chinese encoding (${low} of ${total} double-byte characters fall outside the common Chinese GB2312 block)`,
      zh: `内容像是日文 Shift-JIS 或其他非中文编码（${total} 个双字节字符中有 ${low} 个不在常用汉字区）`,
    };
  }
  const guesses = chardet.analyse(buf);
  const gb = guesses.find((g) => g.name === 'GB18030')?.confidence ?? 0;
  const top = guesses[0];
  const foreign = new Set(['Shift_JIS', 'EUC-JP', 'EUC-KR', 'Big5', 'ISO-2022-JP', 'ISO-2022-KR', 'ISO-2022-CN', 'UTF-16LE', 'UTF-16BE', 'UTF-32LE', 'UTF-32BE']);
  if (top && foreign.has(top.name) && top.confidence >= 50 && top.confidence > gb + 20) {
    return { en: `it looks like ${top.name} (confidence ${top.confidence}; GB18030 ${gb})`, zh: `内容像是 ${top.name} 编码（置信度 ${top.confidence}，GB18030 仅 ${gb}）` };
  }
  return null;
}

export interface EncodingChoice {
  encoding: TextEncoding;
  /** bytes to skip at the start (BOM) */
  bomLength: number;
}

/**
 * Decide the encoding of a text source from its head. Throws UserError for empty files and for bytes that are
 * neither UTF-8 nor plausible GB18030 (binary, UTF-16, Shift-JIS …).
 */
export function chooseEncoding(path: string, option: EncodingOption, displayPath: string): EncodingChoice {
  const size = fs.statSync(path).size;
  if (size === 0) throw emptyFile(displayPath);
  const head = readHead(path);
  const complete = head.length >= size;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    if (complete && isBlankText(head.subarray(3).toString('utf8'))) throw emptyFile(displayPath);
    return { encoding: 'utf-8-bom', bomLength: 3 };
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw badEncoding(displayPath, 'the file is UTF-16 (Unicode text)', '文件是 UTF-16（Unicode 文本）编码');
  }
  let nul = 0;
  for (let i = 0; i < head.length; i++) if (head[i] === 0) nul++;
  if (nul > Math.max(2, head.length / 100)) {
    throw badEncoding(displayPath, `it is a binary file or UTF-16 text (${nul} NUL bytes in the first ${head.length} bytes)`, `文件是二进制文件或 UTF-16 文本（前 ${head.length} 字节中有 ${nul} 个空字节）`);
  }
  if (complete && isBlankText(head.toString('latin1'))) throw emptyFile(displayPath);
  if (option === 'gbk' || option === 'gb18030') return { encoding: 'gb18030', bomLength: 0 };
  if (isUtf8Head(head, complete)) return { encoding: 'utf-8', bomLength: 0 };
  if (option === 'utf-8') {
    throw badEncoding(displayPath, 'the pipeline says encoding: utf-8 but the bytes are not valid UTF-8 (try encoding: gbk)', '流水线中指定了 encoding: utf-8，但文件不是合法的 UTF-8（可改为 encoding: gbk）');
  }
  const why = gb18030Implausible(head, complete);
  if (why) throw badEncoding(displayPath, why.en, why.zh);
  return { encoding: 'gb18030', bomLength: 0 };
}

/** Decode a whole (small) buffer with the chosen encoding. */
export function decodeBuffer(buf: Buffer, encoding: TextEncoding): string {
  if (encoding === 'gb18030') return iconv.decode(buf, 'gb18030');
  const s = buf.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/**
 * Transcode a GB18030 file to a UTF-8 file. The input is cut after its last LF byte per chunk (0x0A never occurs
 * inside a GB18030 multi-byte sequence), so every piece decodes on its own. Pieces are decoded with Node's
 * TextDecoder('gb18030') (about twice as fast as iconv-lite) unless the result contains one of the code points
 * where the WHATWG table and iconv-lite (our reference) disagree — private-use characters (e.g. FE9F → U+E5E5
 * instead of 䶮), U+20AC and U+0080 — in which case that piece is decoded again with iconv-lite. `onChunk` sees
 * every UTF-8 output chunk. Returns the number of U+FFFD replacement characters (invalid input sequences).
 */
export async function transcodeToUtf8(
  src: string,
  dst: string,
  onChunk?: (utf8: Buffer, bytesIn: number) => void,
): Promise<{ replacements: number }> {
  const fd = fs.openSync(dst, 'w');
  try {
    return await transcodeChunks(src, (out, bytesIn) => {
      if (onChunk) onChunk(out, bytesIn);
      let off = 0;
      while (off < out.length) off += fs.writeSync(fd, out, off, out.length - off);
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** Same decoding as transcodeToUtf8, handing each UTF-8 piece (ending after a LF, except the last) to `sink`. */
export async function transcodeChunks(src: string, sink: (utf8: Buffer, bytesIn: number) => void | Promise<void>): Promise<{ replacements: number }> {
  const fast = new TextDecoder('gb18030');
  let bytesIn = 0;
  let replacements = 0;
  let carry: Buffer | null = null;
  const emit = async (piece: Buffer) => {
    if (!piece.length) return;
    let s = fast.decode(piece);
    if (DISAGREE.test(s)) s = iconv.decode(piece, 'gb18030');
    let i = s.indexOf('\ufffd');
    while (i !== -1) {
      replacements++;
      i = s.indexOf('\ufffd', i + 1);
    }
    const w = sink(Buffer.from(s, 'utf8'), bytesIn);
    if (w) await w;
  };
  for await (const chunk of fs.createReadStream(src, { highWaterMark: 4 << 20 })) {
    const c = chunk as Buffer;
    bytesIn += c.length;
    const buf: Buffer = carry ? Buffer.concat([carry, c]) : c;
    const lf = buf.lastIndexOf(0x0a);
    if (lf === -1 && buf.length < 64 << 20) {
      carry = buf;
      continue;
    }
    const cut = lf === -1 ? buf.length : lf + 1;
    await emit(buf.subarray(0, cut));
    carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : null;
  }
  if (carry) await emit(carry);
  return { replacements };
}

/** Code points where TextDecoder('gb18030') and iconv-lite may differ. */
const DISAGREE = /[\ue000-\uf8ff\u20ac\u0080]/;
