/** `npx tsx test/generate/oracle-cli.ts DIR`: compare the naive oracle with DIR/truth.csv (for large scales) */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGenerated, runOracle } from './oracle.js';

const dir = process.argv[2];
const leads = runOracle(await loadGenerated(dir));
const got = leads.map((l) => `${l.rule},${l.subject},${(l.cents / 100).toFixed(2)}`).sort();
const truth = readFileSync(join(dir, 'truth.csv'), 'utf8').trim().split('\n').slice(1).sort();
const extra = got.filter((g) => !truth.includes(g));
const missing = truth.filter((g) => !got.includes(g));
console.log(`oracle ${got.length} leads, truth ${truth.length}; extra ${extra.length}, missing ${missing.length}`);
for (const e of extra.slice(0, 30)) console.log('EXTRA  ', e);
for (const m of missing.slice(0, 30)) console.log('MISSING', m);
