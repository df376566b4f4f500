/** Person names (mirror of xc_norm_name). */
import { INVISIBLE, halfwidth } from './halfwidth.js';

const SPACES = new RegExp(`${INVISIBLE}+`, 'gu');
/** Middle-dot look-alikes: • ・ ‧ ･ ∙ ⋅ ⸱ and Greek ano teleia; unified to U+00B7 '·'. */
const DOTS = /[\u2022\u30FB\u2027\uFF65\u2219\u22C5\u2E31\u0387]/gu;
const HAN_DOT_HAN = /(\p{Script=Han})[.。](\p{Script=Han})/gu;

/**
 * Half-width, every whitespace/invisible character removed (incl. U+3000, zero-width, BOM, NBSP, soft hyphen),
 * middle-dot variants → '·', and '.'/'。' between two Han characters → '·' (买买提.艾力 → 买买提·艾力).
 * null when blank.
 */
export function normName(s: string | null | undefined): string | null {
  if (s == null) return null;
  const n = halfwidth(s).replace(SPACES, '').replace(DOTS, '·').replace(HAN_DOT_HAN, '$1·$2');
  return n === '' ? null : n;
}
