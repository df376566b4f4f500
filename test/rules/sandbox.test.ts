/**
 * The rule sandbox (src/db/sandbox.ts) tried as an attacker would: a custom rule pack that reaches for files,
 * the network, extensions or settings fails the run (exit 1, naming the rule file) and nothing it read reaches any
 * output; a rule that never ends is cancelled by engine.rule_timeout; the run itself still writes every output.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/cli/commands/run.js';
import { loadPipeline } from '../../src/config/load-pipeline.js';
import { Db } from '../../src/db/connection.js';
import { enterSandbox, isSandboxed } from '../../src/db/sandbox.js';
import { UserError } from '../../src/errors.js';
import { installMacros } from '../../src/normalize/macros.js';
import { ensureCanonicalTables, runRules } from '../../src/rules/run-rules.js';
import { parseRuleFile } from '../../src/rules/parse-rule-file.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SECRET = 'SECRET-7f3a91-不该出现';
const ID = '11010519491231002X';
const dir = mkdtempSync(join(tmpdir(), 'xc-sandbox-'));

beforeAll(async () => {
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'person.csv'), `身份证号,姓名,住址\n${ID},张三,滨海县\n`);
  // files a rule pack must not read: a CSV, a root-only text file, another run's full-ID leads.csv, a parquet
  writeFileSync(join(dir, 'secret.csv'), `a,b\n${SECRET},1\n`);
  writeFileSync(join(dir, 'root-only.txt'), `${SECRET}\n`);
  chmodSync(join(dir, 'root-only.txt'), 0o600);
  mkdirSync(join(dir, 'other-run'));
  writeFileSync(join(dir, 'other-run', 'leads.csv'), `\uFEFFlead_id,subject_key,description\nx1,${SECRET},full id 320922196808269379\n`);
  writeFileSync(join(dir, 'secret.json'), JSON.stringify({ s: SECRET }));
  const db = await Db.open();
  await db.run(`copy (select '${SECRET}' as x) to '${join(dir, 'secret.parquet')}' (format parquet)`);
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rule(id: string, sql: string): string {
  const f = join(dir, 'rules', `${id}.sql`);
  writeFileSync(f, `/*---\nid: ${id}\nname: 探测规则\ncategory: probe\nseverity: low\ntables: [person]\nmethod: 探测。\nwhy: 探测。\n---*/\n${sql}\n`);
  return f;
}

function pipeline(name: string, ruleId: string, engine = ''): string {
  const p = join(dir, `${name}.yaml`);
  writeFileSync(
    p,
    `name: ${name}\nsources:\n  person: { path: person.csv }\nrules:\n  include: [${ruleId}]\n  custom: [rules/${ruleId}.sql]\noutput: out-${name}\n${engine}`,
  );
  return p;
}

/** every file under a folder, as text (binary files too: a secret must not be in the database either) */
function allOutputText(d: string): string {
  if (!existsSync(d)) return '';
  let s = '';
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    s += e.isDirectory() ? allOutputText(p) : readFileSync(p).toString('latin1') + readFileSync(p).toString('utf8');
  }
  return s;
}

async function failure(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected the run to fail with a UserError');
}

const S = (f: string) => join(dir, f).replace(/'/g, "''");
const BLOCKED: [string, string][] = [
  ['read_csv', `select a as subject_key from read_csv('${S('secret.csv')}', all_varchar = true)`],
  ['read_csv_passwd', `select column0 as subject_key from read_csv('/etc/passwd', header = false, delim = ':', all_varchar = true) group by all`],
  ['read_csv_auto', `select a as subject_key from read_csv_auto('${S('secret.csv')}')`],
  ['read_text_root_only', `select content as subject_key from read_text('${S('root-only.txt')}')`],
  ['read_blob', `select cast(content as varchar) as subject_key from read_blob('${S('root-only.txt')}')`],
  ['glob_root', `select file as subject_key from glob('/root/*')`],
  ['glob_dir', `select file as subject_key from glob('${S('')}*')`],
  ['other_run_leads', `select subject_key from read_csv('${S('other-run/leads.csv')}', all_varchar = true)`],
  ['read_json', `select s as subject_key from read_json('${S('secret.json')}')`],
  ['read_parquet', `select cast(x as varchar) as subject_key from read_parquet('${S('secret.parquet')}')`],
  ['sniff_csv', `select cast(Columns as varchar) as subject_key from sniff_csv('${S('secret.csv')}')`],
  ['http', `select a as subject_key from read_csv('http://127.0.0.1:9/x.csv')`],
  ['query_wrapper', `select content as subject_key from query('select * from read_text(''${S('root-only.txt').replace(/'/g, "''")}'')')`],
  ['extensions', `select extension_name as subject_key from duckdb_extensions()`],
  ['joined_with_data', `select p.id_number || t.content as subject_key from person p, read_text('${S('root-only.txt')}') t`],
];

describe('rule sandbox: a custom rule cannot read the machine', () => {
  it.each(BLOCKED)('%s: exit 1 naming the rule file, no output, no leak', async (name, sql) => {
    const id = `probe_${name}`;
    const file = rule(id, sql);
    const p = pipeline(name, id);
    const e = await failure(runPipeline(loadPipeline(p), { stage: 'run' }));
    const d = e.diagnostics.find((x) => x.at?.file === file);
    expect(d, JSON.stringify(e.diagnostics)).toBeDefined();
    expect(d!.code).toBe('rule.sandbox');
    expect(e.message).not.toContain(SECRET);
    const out = join(dir, `out-${name}`);
    expect(allOutputText(out)).not.toContain(SECRET);
    expect(existsSync(join(out, 'leads.csv'))).toBe(false);
  }, 60_000);

  it('the run phase is sandboxed too (not only preflight): data present, outputs still written by the run', async () => {
    const db = await Db.open(join(dir, 'phase.duckdb'));
    try {
      await installMacros(db);
      await ensureCanonicalTables(db);
      await db.run(`insert into person (id_number, name, _source_file, _source_row) values ('${ID}', '张三', 'p.csv', 2)`);
      const allowed = join(dir, 'allowed-out.csv');
      await enterSandbox(db, { allowedPaths: [allowed] });
      expect(await isSandboxed(db)).toBe(true);
      const f = rule('phase_leak', `select p.id_number as subject_key, t.content as description from person p, read_text('${S('root-only.txt')}') t`);
      const r = parseRuleFile(f, readFileSync(f, 'utf8'));
      const e = await failure(runRules(db, [r], { include: ['all'], exclude: [], params: {}, custom: [f] }));
      expect(e.diagnostics[0]).toMatchObject({ code: 'rule.sandbox', at: { file: f } });
      // settings are locked, and the lock cannot be lifted
      await expect(db.run(`set enable_external_access = true`)).rejects.toThrow(/locked/);
      await expect(db.run(`set threads = 1`)).rejects.toThrow(/locked/);
      await expect(db.run(`attach '${S('x.duckdb')}' as x`)).rejects.toThrow(/Permission/);
      // the run's own output path still works; any other does not
      await db.run(`copy (select 1 as x) to '${allowed.replace(/'/g, "''")}'`);
      expect(existsSync(allowed)).toBe(true);
      await expect(db.run(`copy (select 1 as x) to '${S('elsewhere.csv')}'`)).rejects.toThrow(/Permission/);
      // a clean rule still runs
      const ok = rule('phase_ok', `select id_number as subject_key, name as subject_name from person`);
      const [s] = await runRules(db, [parseRuleFile(ok, readFileSync(ok, 'utf8'))], { include: ['all'], exclude: [], params: {}, custom: [ok] });
      expect(s.leads).toBe(1);
    } finally {
      db.close();
    }
  }, 60_000);

  it('runRules locks an open instance itself when its caller did not', async () => {
    const db = await Db.open();
    try {
      await installMacros(db);
      expect(await isSandboxed(db)).toBe(false);
      const ok = rule('self_lock', `select id_number as subject_key from person`);
      await runRules(db, [parseRuleFile(ok, readFileSync(ok, 'utf8'))], { include: ['all'], exclude: [], params: {}, custom: [ok] });
      expect(await isSandboxed(db)).toBe(true);
    } finally {
      db.close();
    }
  });

  it('a clean custom rule still produces leads and the run writes every output', async () => {
    rule('clean_rule', `select id_number as subject_key, name as subject_name, '住址' || address as description from person`);
    const p = pipeline('clean', 'clean_rule');
    const r = await runPipeline(loadPipeline(p), { stage: 'run' });
    expect(r.leads).toBe(1);
    for (const f of ['leads.csv', 'leads.xlsx', 'report.html', 'rejects.csv', 'manifest.json', 'xuncha.duckdb']) expect(existsSync(join(r.outDir, f)), f).toBe(true);
    expect(readFileSync(join(r.outDir, 'leads.csv'), 'utf8')).toContain('住址滨海县');
  }, 60_000);
});

describe('rule time limit', () => {
  it('a runaway rule is cancelled in preflight after engine.rule_timeout, naming the file and the key', async () => {
    const file = rule('runaway', `select cast(count(*) as varchar) as subject_key from range(100000000) a, range(100000000) b`);
    const p = pipeline('runaway', 'runaway', 'engine: { rule_timeout: 2 }\n');
    const t0 = performance.now();
    const e = await failure(runPipeline(loadPipeline(p), { stage: 'run' }));
    const secs = (performance.now() - t0) / 1000;
    expect(e.diagnostics[0]).toMatchObject({ code: 'rule.timeout', at: { file, key: 'engine.rule_timeout' } });
    expect(e.diagnostics[0].zh).toContain('2 秒');
    expect(secs).toBeLessThan(30);
    expect(existsSync(join(dir, 'out-runaway'))).toBe(false);
  }, 60_000);

  it('in the run phase: cancelled with connection.interrupt(), the connection stays usable; an AbortSignal cancels too', async () => {
    const db = await Db.open();
    try {
      await installMacros(db);
      await ensureCanonicalTables(db);
      await db.run(`insert into person (id_number, name) select 'P' || range, 'n' from range(3000)`);
      const f = rule('slow_join', `select cast(count(*) as varchar) as subject_key from person a, person b, person c`);
      const r = parseRuleFile(f, readFileSync(f, 'utf8'));
      const cfg = { include: ['all'], exclude: [], params: {}, custom: [f] };
      const t0 = performance.now();
      const e = await failure(runRules(db, [r], cfg, { timeoutSeconds: 1 }));
      expect(e.diagnostics[0]).toMatchObject({ code: 'rule.timeout', at: { file: f } });
      expect(performance.now() - t0).toBeLessThan(20_000);
      expect(await db.scalar(`select count(*) from person`)).toBe('3000');
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 300);
      const e2 = await failure(runRules(db, [r], cfg, { signal: ac.signal }));
      expect(e2.diagnostics[0]).toMatchObject({ code: 'rule.cancelled', at: { file: f } });
    } finally {
      db.close();
    }
  }, 60_000);

  it('rule_timeout is validated in the pipeline file', () => {
    const p = join(dir, 'bad-engine.yaml');
    writeFileSync(p, `sources:\n  person: { path: person.csv }\nengine: { rule_timeout: -1 }\n`);
    expect(() => loadPipeline(p)).toThrow(UserError);
  });
});

describe('CLI', () => {
  it('exit 1 with the rule file named, no stack trace', () => {
    const file = rule('cli_leak', `select content as subject_key from read_text('${S('root-only.txt')}')`);
    const p = pipeline('cli', 'cli_leak');
    const r = spawnSync(process.execPath, [join(ROOT, 'src', 'cli', 'launcher.js'), 'run', p, '--quiet'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('rule.sandbox');
    expect(r.stderr).toContain(file);
    expect(r.stderr + r.stdout).not.toContain(SECRET);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
