/** Bank account numbers: digits only (mirror of xc_norm_account). */
import { halfwidth } from './halfwidth.js';

/** Digits only after half-width conversion (spaces, dashes, letters dropped); null when there are no digits. */
export function normAccount(s: string | null | undefined): string | null {
  if (s == null) return null;
  const d = halfwidth(s).replace(/[^0-9]+/g, '');
  return d === '' ? null : d;
}
