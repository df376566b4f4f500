import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { chooseEncoding, transcodeToUtf8 } from '../../../src/ingest/decode.js';
import { tmpFile, tmpRoot } from './helpers.js';

describe('GB18030 transcoding', () => {
  it('matches iconv-lite on every two-byte code and on four-byte sequences', async () => {
    const parts: number[] = [];
    let k = 0;
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        parts.push(lead, trail);
        if (++k % 50 === 0) parts.push(0x0a);
      }
    }
    parts.push(0x0a, 0x80, 0x41, 0x0a); // lone 0x80
    const four = iconv.encode('𠀀𪚥€䶮\u00e9\u4dae\ue5e5\n', 'gb18030');
    const input = Buffer.concat([Buffer.from(parts), four, Buffer.from([0x81, 0x30, 0x81, 0x30, 0x0a])]);
    const f = tmpFile('allcodes.csv', input);
    const out = `${tmpRoot}/allcodes.utf8`;
    await transcodeToUtf8(f, out);
    expect(fs.readFileSync(out, 'utf8')).toBe(iconv.decode(input, 'gb18030'));
  });

  it('chooses gb18030 for GBK bytes, utf-8 for UTF-8, and honours gbk → gb18030', () => {
    const g = tmpFile('choose-gbk.csv', iconv.encode('姓名,金额\n张三,1\n', 'gbk'));
    expect(chooseEncoding(g, 'auto', 'x').encoding).toBe('gb18030');
    expect(chooseEncoding(g, 'gbk', 'x').encoding).toBe('gb18030');
    const u = tmpFile('choose-utf8.csv', '姓名,金额\n张三,1\n');
    expect(chooseEncoding(u, 'auto', 'x').encoding).toBe('utf-8');
  });
});
