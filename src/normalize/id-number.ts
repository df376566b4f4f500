/**
 * Chinese resident ID numbers (GB 11643): ISO 7064 MOD 11-2 check digit, 15 → 18 digit conversion.
 * The same logic exists as DuckDB macros in sql/macros/ (set-based); tests check both agree.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Check character for the first 17 digits. */
export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK[sum % 11];
}
