/**
 * Masking that holds (issue 16): the forms seen on a hostile county — IDs inside free text, spaced, hyphenated,
 * full-width, followed by letters or `.0`, bank accounts — all mask, the same number always to the same text, and
 * what must stay readable (amounts, dates, phone numbers, decimals) stays. Also the text cleaning of characters
 * XML forbids, and both end to end through a run: report.html holds no full ID in any form, leads.xlsx opens.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/cli/commands/run.js';
import { loadPipeline } from '../../src/config/load-pipeline.js';
import { cleanText } from '../../src/outputs/clean-text.js';
import { escapeHtml, jsonForScript } from '../../src/report/html.js';
import { maskDeep, maskField, maskIdsInText } from '../../src/report/mask.js';

const ID = '320922196808269379';
const MASKED = '320922********9379';

describe('maskIdsInText: the forms of the issue', () => {
  it.each([
    ['voucher summary', `付张斌${ID}`, `付张斌${MASKED}`],
    ['spaced', '3209 2219 6808 2693 79', MASKED],
    ['hyphenated', '3209-2219-6808-2693-79', MASKED],
    ['en dash and U+3000', '320922–19680826　9379', MASKED],
    ['full-width', '３２０９２２１９６８０８２６９３７９', MASKED],
    ['followed by letters', `${ID}abc`, `${MASKED}abc`],
    ['followed by .0 (a number cell)', `${ID}.0`, `${MASKED}.0`],
    ['zero-width spaces inside', '320922\u200B196808\u200B269379', MASKED],
    ['X check character, full-width', '11010519491231002Ｘ', '110105********002X'],
    ['15-digit legacy ID', '320922680826937', '320922*****6937'],
    ['bank card (19 digits), keep last 4', '卡号6222021234567890123', '卡号622202*********0123'],
    ['bank card spaced in groups of 4', '6222 0212 3456 7890 123', '622202*********0123'],
    ['two IDs in one sentence', `${ID}与11010519491231002X`, `${MASKED}与110105********002X`],
  ])('%s', (_label, input, out) => {
    expect(maskIdsInText(input)).toBe(out);
    expect(maskIdsInText(input)).toBe(maskIdsInText(input)); // stable
  });

  it('the same ID masks to the same text in every form', () => {
    const forms = [ID, '3209 2219 6808 2693 79', '３２０９２２１９６８０８２６９３７９', `${ID}.0`.slice(0, 18), '3209-2219-6808-2693-79'];
    expect(new Set(forms.map(maskIdsInText))).toEqual(new Set([MASKED]));
  });

  it('leaves amounts, dates, phone numbers, voucher numbers and decimals alone', () => {
    for (const s of ['金额 1,234,567.89 元', '2023-03-05', '2023-03-05 14:30:00', '13812345678', '0515-88881234', '记-0012', '0.029166666666666667', '第12行', '320922', '凭证号 202303150001']) {
      expect(maskIdsInText(s), s).toBe(s);
    }
  });

  it('account fields mask shorter accounts too, keeping the last 4; names are not accounts', () => {
    expect(maskField('bank_account', '320100123456')).toBe('********3456');
    expect(maskField('一卡通账号', '6222-0212-3456')).toBe('********3456');
    expect(maskField('account_name', '张三320100123456')).toBe('张三320100123456');
    expect(maskField('amount', '320100123456')).toBe('320100123456');
    expect(maskDeep({ fields: { bank_account: '320100123456', summary: `付${ID}` } })).toEqual({ fields: { bank_account: '********3456', summary: `付${MASKED}` } });
  });
});

describe('characters XML forbids', () => {
  it('become visible markers; tab, LF, CR and ordinary text stay', () => {
    expect(cleanText('张斌\uFFFE')).toBe('张斌[U+FFFE]');
    expect(cleanText('a\uFFFFb\u0001c\u001Fd')).toBe('a[U+FFFF]b[U+0001]c[U+001F]d');
    expect(cleanText('lone \uD800 high, lone \uDC00 low, pair 😀')).toBe('lone [U+D800] high, lone [U+DC00] low, pair 😀');
    expect(cleanText('tab\tlf\ncr\r正常')).toBe('tab\tlf\ncr\r正常');
  });
  it('in HTML text and JSON data blocks', () => {
    expect(escapeHtml('x\uFFFE<')).toBe('x[U+FFFE]&lt;');
    expect(jsonForScript({ a: ['\u0001', '\uFFFF'] })).toBe('{"a":["[U+0001]","[U+FFFF]"]}');
  });
});

describe('end to end: hostile text through a run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xc-mask-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('report.html shows no full ID in any form; leads.xlsx opens and shows the markers; leads.csv keeps full IDs', async () => {
    const text = `付张斌${ID}；3209 2219 6808 2693 79；３２０９２２１９６８０８２６９３７９；3209-2219-6808-2693-79；${ID}abc；${ID}.0；卡号6222021234567890123`;
    fs.writeFileSync(path.join(dir, 'p.csv'), `身份证号,姓名,住址\n${ID},张斌\uFFFE,"${text}"\n11010519491231002X,李四,滨海县\uFFFF某村\u0001\n`);
    fs.mkdirSync(path.join(dir, 'rules'));
    fs.writeFileSync(
      path.join(dir, 'rules', 'echo_text.sql'),
      `/*---\nid: echo_text\nname: 原样输出\ncategory: probe\nseverity: low\ntables: [person]\nmethod: 原样输出住址。\nwhy: 测试。\n---*/\n` +
        `select id_number as subject_key, name as subject_name, address as description, id_number as household_key,\n` +
        `  list(xc_evidence('person', _source_file, _source_row, {'address': address, 'bank_account': '320100123456'})) as evidence\nfrom person group by all\n`,
    );
    fs.writeFileSync(path.join(dir, 'p.yaml'), `sources:\n  person: { path: p.csv }\nrules:\n  include: [echo_text]\n  custom: [rules/echo_text.sql]\noutput: out\n`);
    const r = await runPipeline(loadPipeline(path.join(dir, 'p.yaml')), { stage: 'run' });
    expect(r.leads).toBe(2);
    const html = fs.readFileSync(path.join(r.outDir, 'report.html'), 'utf8');
    // every digit run in the page, separators and full-width forms folded, must not contain a full number
    const folded = html.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30)).replace(/(?<=\d)[ \-\u3000–](?=\d)/g, '');
    for (const secret of [ID, '11010519491231002', '6222021234567890123', '320100123456']) expect(folded, secret).not.toContain(secret);
    expect(html).toContain(MASKED);
    expect(html).toContain('[U+FFFE]');
    expect(html).not.toMatch(/[\uFFFE\uFFFF\u0001]/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(r.outDir, 'leads.xlsx'));
    const values = wb.getWorksheet('线索清单')!.getSheetValues().flat().map(String).join('|');
    expect(values).toContain('张斌[U+FFFE]');
    expect(values).toContain('滨海县[U+FFFF]某村[U+0001]');
    expect(fs.readFileSync(path.join(r.outDir, 'leads.csv'), 'utf8')).toContain(ID);
  }, 120_000);
});
