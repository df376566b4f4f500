/**
 * Published Chinese ID test vectors (/work/shared/external/cn-id/cn-id-vectors.json, compiled from four public test
 * suites; see its SOURCE.md). We hold both the TS functions and the SQL macros to the vectors' independently
 * recomputed facts (`computed`) under our policy: MOD 11-2 check, real birth date in 1880..today, and the lenient
 * region rule "code in GB/T 2260 at some time" (`region.in_gbt2260_1981_2024`). Where a source suite says
 * otherwise, that is a documented policy difference (listed in POLICY_DIFFERENCES), not a failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { idInfo, normIdNumber } from '../../src/normalize/id-number.js';
import { openMacroDb, runMacros } from './sql-helpers.js';
import { external } from '../external.js';

const VECTORS = external('cn-id', 'cn-id-vectors.json');

interface Vector {
  id: string;
  source: string;
  source_says: boolean | string;
  source_reason?: string;
  computed: {
    length: number;
    format_ok: boolean;
    checksum_ok?: boolean;
    date_ok?: boolean;
    birth_date?: string;
    sex?: 'male' | 'female';
    region_code?: string;
    upgraded_18?: string;
    region?: { in_gbt2260_1981_2024: boolean };
  };
}

interface Expected {
  norm: string;
  valid: boolean;
  birthDate: string | null;
  sex: '男' | '女' | null;
}

/**
 * SPEC §3.2: the city-level 市辖区 code xxxx01 of a prefecture-level 市 is plausible although county lists omit it
 * (440401 珠海市市辖区). The prefecture codes come from the same GB/T 2260 list the vectors were checked against.
 */
const CITY_DISTRICTS = new Set(
  readFileSync(external('gbt2260-areacodes', 'result.csv'), 'utf8')
    .split(/\r?\n/)
    .map((l) => l.replace(/^\uFEFF/, '').split(','))
    .filter((c) => /^[0-9]{4}00$/.test(c[0]) && c[4] === '地级' && c[3].endsWith('市'))
    .map((c) => c[0].slice(0, 4) + '01'),
);

/** What our policy says about a vector, derived from its `computed` block (and the 市辖区 rule above) only. */
function expected(v: Vector): Expected {
  const c = v.computed;
  const sex = c.sex === 'male' ? '男' : c.sex === 'female' ? '女' : null;
  const inRegion = c.region?.in_gbt2260_1981_2024 === true || CITY_DISTRICTS.has(c.region_code ?? '');
  if (c.length === 15 && c.format_ok) {
    // a real 19yymmdd date → converted to 18 digits (check digit right by construction), else kept as written
    if (c.date_ok) return { norm: c.upgraded_18!, valid: inRegion, birthDate: c.birth_date!, sex };
    return { norm: v.id, valid: false, birthDate: null, sex: null };
  }
  if (c.length === 18 && c.format_ok) {
    return {
      norm: v.id.toUpperCase(),
      valid: c.checksum_ok === true && c.date_ok === true && inRegion,
      birthDate: c.date_ok ? c.birth_date! : null,
      sex,
    };
  }
  return { norm: v.id.toUpperCase(), valid: false, birthDate: null, sex: null };
}

/**
 * Vectors whose source suite disagrees with our policy, and why. Every disagreement must be listed here, so a
 * change of policy shows up as a test failure.
 */
const POLICY_DIFFERENCES: Record<string, string> = {
  '830000199201300022': '台湾居民居住证 prefix 830000 is not a GB/T 2260 code',
  '830000200209060065': '台湾居民居住证 prefix 830000 is not a GB/T 2260 code',
  '932682198501010017': '外国人永久居留身份证 (9xxxxx) is not a GB/T 2260 code',
  '140120197901010008': '140120 (太原市市区, historic) is not in the 1981-2024 code list',
  '235407195106112745': 'validator.js only checks the province; 235407 is not a county code',
  '111111111111111': "hutool's lenient 15-digit check; 111111 is not a region code",
  '500154199301135886': 'lenient region policy: code valid at some time (source strict mode rejects)',
  '411082198901010002': 'lenient region policy: code valid at some time (source strict mode rejects)',
  '110111198012010078': 'lenient region policy: 110111 in use later, so accepted (source: not yet registered)',
};

const vectors: Vector[] = JSON.parse(readFileSync(VECTORS, 'utf8')).vectors;

describe('cn-id vectors', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openMacroDb();
  });
  afterAll(() => db?.close());

  it('has the vectors', () => expect(vectors.length).toBeGreaterThan(50));

  it('TS: normIdNumber + idInfo match the computed facts', () => {
    const bad = [];
    for (const v of vectors) {
      const e = expected(v);
      const norm = normIdNumber(v.id);
      const info = idInfo(norm);
      const got = { norm, valid: info.valid, birthDate: info.birthDate, sex: info.sex };
      if (JSON.stringify(got) !== JSON.stringify(e)) bad.push({ id: v.id, got, e });
    }
    expect(bad).toEqual([]);
  });

  it('SQL: xc_norm_id + xc_id_valid/birth/sex match the computed facts', async () => {
    const rows = await runMacros(db, vectors.map((v) => v.id));
    const bad = [];
    for (const r of rows) {
      const v = vectors[Number(r.i)];
      const e = expected(v);
      const got = { norm: r.norm_id, valid: r.id_valid, birthDate: r.id_birth, sex: r.id_sex };
      if (JSON.stringify(got) !== JSON.stringify(e)) bad.push({ id: v.id, got, e });
    }
    expect(bad).toEqual([]);
  });

  it('disagrees with the source suites only where POLICY_DIFFERENCES says so', () => {
    const differ: string[] = [];
    for (const v of vectors) {
      if (typeof v.source_says !== 'boolean') continue; // 'strict=…' or conversion notes
      if (idInfo(normIdNumber(v.id)).valid !== v.source_says) differ.push(v.id);
    }
    expect([...new Set(differ)].sort()).toEqual(
      Object.keys(POLICY_DIFFERENCES)
        .filter((id) => vectors.some((v) => v.id === id && typeof v.source_says === 'boolean'))
        .sort(),
    );
  });

  it('converts 15-digit ids as the sources do', () => {
    for (const v of vectors) {
      const m = typeof v.source_says === 'string' && /-> ([0-9X]{18})/.exec(v.source_says);
      if (m) expect(normIdNumber(v.id), v.id).toBe(m[1]);
    }
  });
});
