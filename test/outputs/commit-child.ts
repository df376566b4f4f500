/**
 * Child process for the commit kill tests: `node --import tsx commit-child.ts DIR VERSION [replace]` writes the
 * run's six output names (content `VERSION:<name>`) through withOutputFolder. With XUNCHA_TEST_COMMIT_PAUSE=k it
 * blocks at commit step k, where the test kills it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_OUTPUTS, withOutputFolder } from '../../src/outputs/folder.js';

const [dir, version, replace = 'all'] = process.argv.slice(2);
const names = replace === 'all' ? [...RUN_OUTPUTS] : ['report.html', 'leads.xlsx'];
await withOutputFolder(dir, { command: 'test', replace: replace as 'all' | 'staged', writes: [...RUN_OUTPUTS] }, async ({ staging }) => {
  for (const n of names) writeFileSync(join(staging, n), `${version}:${n}`);
});
process.stdout.write('committed\n');
