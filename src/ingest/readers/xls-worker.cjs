/*
 * Child process that reads one legacy .xls (BIFF2–8), SpreadsheetML 2003 XML or HTML-disguised ".xls" with
 * SheetJS 0.18.5 and writes plain JSON (sheet names, the chosen sheet's cells, merges) to the output file.
 * Runs isolated from the main process: see xls.ts for why. Arguments: <input> <sheet-json> <output>.
 * Cells: null | string | number | boolean | {d: serial} (date-formatted number) | {e: text} (error).
 */
'use strict';
const fs = require('node:fs');
const { isUtf8 } = require('node:buffer');

function fail(out, code, message, extra) {
  fs.writeFileSync(out, JSON.stringify(Object.assign({ ok: false, code, message }, extra || {})));
  process.exit(0);
}

function decodeText(buf) {
  let b = buf;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { text: b.subarray(3).toString('utf8'), encoding: 'utf-8-bom' };
  if (b[0] === 0xff && b[1] === 0xfe) return { text: b.subarray(2).toString('utf16le'), encoding: 'utf-16le' };
  if (isUtf8(b)) return { text: b.toString('utf8'), encoding: 'utf-8' };
  const head = b.subarray(0, 4096).toString('latin1');
  const m = /charset\s*=\s*["']?([\w-]+)/i.exec(head);
  const iconv = require('iconv-lite');
  let enc = m ? m[1].toLowerCase() : 'gb18030';
  if (enc === 'gbk' || enc === 'gb2312' || enc === 'x-gbk' || enc === 'cp936') enc = 'gb18030';
  if (!iconv.encodingExists(enc)) enc = 'gb18030';
  return { text: iconv.decode(b, enc), encoding: enc };
}

function main() {
  const [input, sheetJson, out] = process.argv.slice(2);
  const wanted = JSON.parse(sheetJson);
  const XLSX = require('xlsx');
  const buf = fs.readFileSync(input);
  const ole = buf.length >= 8 && buf.readUInt32LE(0) === 0xe011cfd0 && buf.readUInt32LE(4) === 0xe11ab1a1;
  let wb;
  let encoding = null;
  try {
    if (ole) {
      wb = XLSX.read(buf, { type: 'buffer', cellNF: true, cellDates: false, cellHTML: false, cellText: false, dense: true });
    } else {
      const t = decodeText(buf);
      encoding = t.encoding;
      wb = XLSX.read(t.text, { type: 'string', raw: true, cellNF: true, cellDates: false, cellHTML: false, cellText: false, dense: true });
    }
  } catch (e) {
    fail(out, 'bad_xls', String((e && e.message) || e));
  }
  const names = (wb.SheetNames || []).map(String);
  if (!names.length) fail(out, 'bad_xls', 'no sheets');
  let idx = 0;
  if (wanted !== null && wanted !== undefined && wanted !== '') {
    if (typeof wanted === 'number' || /^\d+$/.test(String(wanted).trim())) {
      const byName = names.indexOf(String(wanted));
      if (typeof wanted === 'string' && byName >= 0) idx = byName;
      else idx = Number(wanted) - 1;
    } else {
      idx = names.indexOf(wanted);
      if (idx < 0) {
        const norm = (s) => s.replace(/\s|\u3000/g, '').toLowerCase();
        idx = names.findIndex((n) => norm(n) === norm(wanted));
      }
    }
    if (idx < 0 || idx >= names.length) fail(out, 'sheet_not_found', 'sheet not found', { sheets: names });
  }
  const ws = wb.Sheets[names[idx]];
  const date1904 = !!(wb.Workbook && wb.Workbook.WBProps && wb.Workbook.WBProps.date1904);
  const rows = [];
  const merges = [];
  if (ws && ws['!ref']) {
    const range = XLSX.utils.decode_range(ws['!ref']);
    // 0.18.x dense sheets are arrays of rows; later versions keep them under '!data'
    const data = Array.isArray(ws) ? ws : ws['!data'] || null;
    const dense = Array.isArray(data);
    for (let r = 0; r <= range.e.r; r++) {
      const src = dense ? data[r] : null;
      const row = [];
      for (let c = 0; c <= range.e.c; c++) {
        const cell = dense ? (src ? src[c] : undefined) : ws[XLSX.utils.encode_cell({ r, c })];
        let v = null;
        if (cell && cell.v !== undefined && cell.v !== null) {
          if (cell.t === 'n') {
            const z = cell.z;
            v = z && typeof z === 'string' && XLSX.SSF.is_date(z) ? { d: cell.v } : Number(cell.v);
          } else if (cell.t === 'b') v = !!cell.v;
          else if (cell.t === 'e') v = { e: String(cell.w || '#ERR') };
          else if (cell.t === 'd') v = { iso: new Date(cell.v).toISOString() };
          else v = String(cell.v);
        }
        row.push(v);
      }
      rows.push(row);
    }
    for (const m of ws['!merges'] || []) merges.push({ r1: m.s.r + 1, c1: m.s.c + 1, r2: m.e.r + 1, c2: m.e.c + 1 });
  }
  fs.writeFileSync(out, JSON.stringify({ ok: true, sheets: names, sheet: names[idx], date1904, encoding, rows, merges }));
}

try {
  main();
} catch (e) {
  const out = process.argv[4];
  if (out) fs.writeFileSync(out, JSON.stringify({ ok: false, code: 'bad_xls', message: String((e && e.message) || e) }));
  process.exit(0);
}
