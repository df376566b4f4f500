/** `xuncha rules [--json]`: the rule catalog from the rule file headers. */
import { formatCatalog, loadCatalog } from '../../rules/index.js';
import { EXIT } from '../exit.js';

export async function rulesCommand(opts: { json?: boolean }): Promise<number> {
  process.stdout.write(formatCatalog(loadCatalog([]), Boolean(opts.json)) + '\n');
  return EXIT.ok;
}
