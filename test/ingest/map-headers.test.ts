import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { detectHeader } from '../../src/ingest/map-headers.js';

const err = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e.diagnostics;
    throw e;
  }
  throw new Error('expected UserError');
};

describe('header detection and mapping', () => {
  it('skips title rows and maps alias headers, keeping unmapped columns', () => {
    const h = detectHeader(
      [
        ['滨海县2023年低保名册'],
        ['制表单位：县民政局', '', '', ''],
        ['序号', '户主身份证号', '公民身份号码', '姓 名', '月保障金（元）', '备注'],
        ['1', '320922195001011234', '320922195001011234', '张三', '600', ''],
      ],
      { table: 'dibao', file: 'd.csv' },
    );
    expect(h.headerRow).toBe(3);
    expect(h.mapping).toMatchObject({ head_id_number: '户主身份证号', id_number: '公民身份号码', name: '姓 名', monthly_amount: '月保障金（元）' });
    expect(h.columns.filter((c) => !c.field).map((c) => c.header)).toEqual(['序号', '备注']);
  });

  it('matches headers carrying a bracketed note', () => {
    const h = detectHeader([['身份证号码(18位)', '姓名（户主）', '死亡日期【年月日】']], { table: 'death', file: 'd.csv' });
    expect(h.mapping).toEqual({ id_number: '身份证号码(18位)', name: '姓名（户主）', death_date: '死亡日期【年月日】' });
  });

  it('scales 万元 money headers', () => {
    const h = detectHeader([['身份证号', '企业名称', '注册资本(万元)']], { table: 'business', file: 'b.csv' });
    expect(h.columns[2]).toMatchObject({ field: 'capital', scale: 10000 });
  });

  it('combines a two-row header under merged group cells', () => {
    const h = detectHeader(
      [
        ['单位', '凭证日期', '凭证号', '摘要', '科目', '金额', '金额'],
        ['', '', '', '', '', '借方', '贷方'],
        ['某局', '2023-01-05', '1', '办公费', '5001', '100', ''],
      ],
      { table: 'voucher', file: 'v.csv' },
    );
    expect(h.headerRow).toBe(2);
    expect(h.headerRows).toBe(2);
    // combined columns are named group/sub and mapped on the sub-header
    expect(h.mapping).toMatchObject({ debit: '金额/借方', credit: '金额/贷方', unit: '单位' });
  });

  it('names missing required columns with the headers found and the nearest', () => {
    const ds = err(() => detectHeader([['姓名', '持有人证件', '车牌']], { table: 'vehicle', file: 'v.csv' }));
    expect(ds[0].code).toBe('ingest.missing_required_column');
    expect(ds[0].zh).toContain('持有人证件');
    expect(ds[0].zh).toContain('columns');
  });

  it('refuses two columns mapping to one field instead of guessing', () => {
    const ds = err(() => detectHeader([['身份证号', '公民身份号码', '姓名']], { table: 'person', file: 'p.csv' }));
    expect(ds[0].code).toBe('ingest.duplicate_header');
  });

  it('explicit columns override aliases, and header_row is honoured', () => {
    const h = detectHeader([['x'], ['证号', '名字']], { table: 'person', file: 'p.csv', headerRow: 2, columns: { 证号: 'id_number', 名字: 'name' } });
    expect(h.headerRow).toBe(2);
    expect(h.mapping).toEqual({ id_number: '证号', name: '名字' });
  });

  it('fails clearly when no header is found', () => {
    const ds = err(() => detectHeader([['a', 'b'], ['1', '2']], { table: 'person', file: 'p.csv' }));
    expect(ds[0].code).toBe('ingest.header_not_found');
  });

  it('accepts voucher amount + direction instead of debit/credit', () => {
    const h = detectHeader([['单位', '凭证日期', '凭证号', '摘要', '科目名称', '方向', '金额']], { table: 'voucher', file: 'v.csv' });
    expect(h.mapping).toMatchObject({ direction: '方向', amount: '金额' });
  });
});
