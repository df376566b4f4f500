/**
 * The rule catalog of the contract (SPEC §4) read from the SPEC itself: `../shared/SPEC.md` beside the repository
 * (as on CI), or XUNCHA_SHARED_SPEC. Tests derive the expected rule set from it instead of hidden counts, so a rule
 * added to the SPEC without its file, or a rule file the SPEC does not name, fails the catalog test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
export const SPEC_FILE = process.env.XUNCHA_SHARED_SPEC ?? resolve(ROOT, '..', 'shared', 'SPEC.md');

export interface SpecRule {
  id: string;
  /** 名称 column */
  name: string;
  category: string;
  /** the §4 subsection, e.g. '4.4' */
  section: string;
}

/** Every rule row of SPEC §4: subsections `### 4.n … (category \`x\`)` with table rows `| \`id\` | 名称 | …`. */
export function specRules(file = SPEC_FILE): SpecRule[] {
  if (!existsSync(file)) {
    throw new Error(`SPEC missing: ${file}\nThe catalog tests read the rule tables of SPEC §4. Check out the shared folder beside the repository or set XUNCHA_SHARED_SPEC.`);
  }
  const out: SpecRule[] = [];
  let section = '';
  let category = '';
  let inCatalog = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const h2 = /^## (\d+)\./.exec(line);
    if (h2) inCatalog = h2[1] === '4';
    if (!inCatalog) continue;
    const h3 = /^### (4\.\d+)\b.*\(category `([a-z_]+)`\)/.exec(line);
    if (h3) {
      section = h3[1];
      category = h3[2];
      continue;
    }
    const row = /^\| `([a-z][a-z0-9_]*)` \| ([^|]+?) \|/.exec(line);
    if (row && category) out.push({ id: row[1], name: row[2].trim(), category, section });
  }
  if (!out.length) throw new Error(`${file}: no rule rows found in §4`);
  return out;
}
