/**
 * Masking of resident ID numbers for the report: `320922********1234` (first 6 and last 4 kept).
 * Matches 18-character IDs (17 digits + digit/X) and 15-digit legacy IDs that stand alone, i.e. are not part
 * of a longer digit run or a decimal number (a 19-digit bank account and 0.0291666666666666667 are left alone;
 * an 18-digit bank account is masked, which errs on the safe side). Applied to every string that leaves the database for the page when masking is on.
 */

const ID18 = /(?<![0-9.])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z]|\.\d)/g;
const ID15 = /(?<![0-9.])(\d{6})\d{5}(\d{4})(?![0-9A-Za-z]|\.\d)/g;

export function maskIdsInText(text: string): string {
  if (text.length < 15) return text;
  return text.replace(ID18, '$1********$2').replace(ID15, '$1*****$2');
}

/** Deep copy of a JSON-like value with every string masked. */
export function maskDeep<T>(value: T): T {
  if (typeof value === 'string') return maskIdsInText(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v);
    return out as T;
  }
  return value;
}
