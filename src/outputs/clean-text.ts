/**
 * Text that XML cannot carry, made visible instead. XML 1.0 (§2.2 Char) forbids the C0 controls other than tab,
 * LF and CR, the noncharacters U+FFFE and U+FFFF, and unpaired surrogates: one such character in a cell makes
 * Excel refuse the whole of leads.xlsx, and in HTML they are parse errors that show as nothing. Every output that
 * is XML or HTML (leads.xlsx, report.html, notebooks, dossiers) passes its text through cleanText, which writes
 * each such character as a marker `[U+FFFE]`: the analyst sees that something odd was in the source and where,
 * and the same input always gives the same text. leads.csv and rejects.csv keep the values exactly as stored:
 * CSV carries any character, and they are the machine-readable record.
 */
const BAD = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BAD_G = new RegExp(BAD.source, 'g');

export function xmlMarker(ch: string): string {
  return `[U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`;
}

export function cleanText(s: string): string {
  return BAD.test(s) ? s.replace(BAD_G, xmlMarker) : s;
}

/** cleanText on every string of a row; numbers, dates and nulls untouched */
export function cleanRow<T>(row: T[]): T[] {
  return row.map((v) => (typeof v === 'string' ? (cleanText(v) as T) : v));
}
