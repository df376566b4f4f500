/**
 * The synthetic county: towns, villages, households, people with valid 18-digit IDs, and the background
 * records of every table (dibao roster, cadres, payroll, business, property, vehicles, land, deaths,
 * relations). The background is built so that NO rule of SPEC §4 fires on it; planted anomalies and
 * look-alikes are added later by plant-welfare.ts / plant-finance.ts on dedicated households (flag PLANT).
 *
 * Background invariants (what keeps precision at 1.0):
 *  - dibao households (any time) own no vehicle except exempt types, at most one home and no non-residential
 *    property, no company, no payroll member, and no cadre or declared cadre relative;
 *  - deaths are drawn only from people outside dibao households, cadres, employees and plant households, and
 *    every payout to a dead person stops at pay_date ≤ death_date + 31 days;
 *  - every person has one bank account in their own name; accounts are never shared;
 *  - 高龄津贴 only from the pay date at which the person is 80, 养老金 from 60; land claims never exceed contracts.
 */
import { idCheckDigit } from '../normalize/id-number.js';
import { Rng, ageOn, birthday, day, ymd } from './random.js';
import {
  CARS, COMPANY_WORDS, EMPLOYERS, EXEMPT_VEHICLES, GIVEN_FEMALE, GIVEN_MALE, INDUSTRIES, REAL_TOWNS, ROADS,
  SURNAMES, SURNAME_WEIGHTS, TOWN_SYLLABLES, VILLAGE_A, VILLAGE_B,
} from './names.js';

export const COUNTY = '滨海县';
export const REGION = '320922';
/** payouts cover 2022-07 … 2024-12 (30 months); vouchers 2023 and 2024 */
export const FIRST_YEAR = 2022;
export const FIRST_MONTH = 7;
export const MONTHS = 30;
export const REF_DAY = day(2024, 12, 31);

export function monthYM(m: number): [number, number] {
  const t = FIRST_YEAR * 12 + (FIRST_MONTH - 1) + m;
  return [Math.floor(t / 12), (t % 12) + 1];
}
export function monthOfDay(dn: number): number {
  const [y, mo] = ymd(dn);
  return y * 12 + (mo - 1) - (FIRST_YEAR * 12 + FIRST_MONTH - 1);
}

export const F = {
  DIBAO: 1,
  CADRE_HH: 2,
  EMPLOYEE: 4,
  PLANT: 8,
  GHOST: 16, // not in the person table (invalid_id plants)
  TEKUN: 32,
  DISABLED: 64,
  CONTRACTOR: 128,
  CADRE: 256,
  DECLARED_REL: 512,
  NO_PENSION: 1024, // plant people that must not receive age-based payouts automatically
} as const;

export interface Town { idx: number; code: string; name: string; street: boolean }
export interface Village { idx: number; code: string; name: string; town: number; rural: boolean; nextHouse: number; nextHh: number }
export interface Person {
  idx: number;
  id: string;
  name: string;
  male: boolean;
  birth: number;
  hh: number;
  rel: string;
  flags: number;
  death: number; // 0 = alive
  account: string;
}
export interface Household {
  idx: number;
  hid: string;
  village: number;
  address: string;
  members: number[];
  flags: number;
}
export interface DibaoCase {
  hh: number;
  category: '农村低保' | '城市低保' | '特困供养';
  start: number;
  end: number; // 0 = open
  memberCents: Map<number, number>; // person idx → monthly amount
  headIdx: number;
  /** roster rows: person idx list (default: all household members) */
  roster: number[];
}
export interface CadreRec { p: number; village: number; position: string; termStart: number; termEnd: number }
export interface EmployeeRec { p: number; employer: string; position: string; start: number; end: number }
export interface BusinessRec { p: number; company: string; credit: string; role: string; reg: number; capitalCents: number; status: string; dereg: number }
export interface PropertyRec { p: number; address: string; area: number; usage: string; reg: number; cert: string }
export interface VehicleRec { p: number; plate: string; type: string; brand: string; reg: number; status: string; dereg: number }
export interface LandRec { p: number; hh: number; plot: string; area10: number /* tenths of a mu */ }
export interface RelationRec { a: number; b: number; rel: string }
export interface KinFilingRec { p: number; cadre: number; rel: string; date: number }

export class County {
  towns: Town[] = [];
  villages: Village[] = [];
  households: Household[] = [];
  persons: Person[] = [];
  dibao: DibaoCase[] = [];
  cadres: CadreRec[] = [];
  employees: EmployeeRec[] = [];
  businesses: BusinessRec[] = [];
  properties: PropertyRec[] = [];
  vehicles: VehicleRec[] = [];
  land: LandRec[] = [];
  relations: RelationRec[] = [];
  kinFilings: KinFilingRec[] = [];
  /** extra death records (background deaths are in Person.death) */
  private usedId17 = new Set<string>();
  private certSeq = 1000;
  private plateSeq = 0;
  private companySeq = 0;
  private accountSeq = 0;
  private usedNames = new Map<string, number>();
  dibaoByHh = new Map<number, DibaoCase>();

  constructor(
    readonly scale: number,
    readonly rng: Rng,
  ) {}

  // ---------- identities ----------
  /** a fresh valid 18-digit id for the birth day and sex */
  newId(birth: number, male: boolean, region = REGION): string {
    const [y, m, d] = ymd(birth);
    const b = `${y}${m < 10 ? '0' : ''}${m}${d < 10 ? '0' : ''}${d}`;
    for (;;) {
      let seq = this.rng.int(0, 499) * 2 + (male ? 1 : 0);
      if (seq > 999) seq -= 2;
      const id17 = region + b + String(seq).padStart(3, '0');
      if (this.usedId17.has(id17)) continue;
      this.usedId17.add(id17);
      return id17 + idCheckDigit(id17);
    }
  }
  newName(male: boolean, surname?: string): string {
    const r = this.rng;
    const s = surname ?? SURNAMES[r.weighted(SURNAME_WEIGHTS)];
    const pool = male ? GIVEN_MALE : GIVEN_FEMALE;
    const g = r.chance(0.3) ? r.pick(pool) : r.pick(pool) + r.pick(pool);
    return s + g;
  }
  /** a name nobody else in the county has (for plant people, so name-based checks stay unambiguous) */
  uniqueName(male: boolean, surname?: string): string {
    for (;;) {
      const n = this.newName(male, surname);
      if (n.length >= 3 && !this.usedNames.has(n)) {
        this.usedNames.set(n, 1);
        return n;
      }
    }
  }
  newAccount(): string {
    // 19-digit card numbers of the county's rural commercial bank (一卡通), unique by sequence, Luhn check digit
    const body = '623166' + String(1000000 + this.accountSeq++).padStart(9, '0') + String(this.rng.int(100, 999));
    let sum = 0;
    for (let i = 0; i < body.length; i++) {
      let dgt = body.charCodeAt(body.length - 1 - i) - 48;
      if (i % 2 === 0) {
        dgt *= 2;
        if (dgt > 9) dgt -= 9;
      }
      sum += dgt;
    }
    return body + String((10 - (sum % 10)) % 10);
  }
  surname(p: Person): string {
    return p.name[0];
  }

  // ---------- geography ----------
  buildGeography(): void {
    const r = this.rng;
    const nTowns = Math.max(2, Math.min(24, Math.round(12 * Math.pow(this.scale, 0.35))));
    const nVillages = Math.max(6, Math.round(230 * this.scale));
    const usedTown = new Set<string>();
    for (let t = 0; t < nTowns; t++) {
      let name = REAL_TOWNS[t];
      while (!name || usedTown.has(name)) name = r.pick(TOWN_SYLLABLES) + r.pick(TOWN_SYLLABLES) + '镇';
      usedTown.add(name);
      this.towns.push({ idx: t, code: String(100 + t), name, street: name.endsWith('街道') });
    }
    const usedVillage = new Set<string>();
    for (let v = 0; v < nVillages; v++) {
      const t = v % nTowns;
      const town = this.towns[t];
      const within = Math.floor(v / nTowns);
      const rural = !(town.street || within === 0);
      let name = '';
      for (let tries = 0; !name || usedVillage.has(name); tries++)
        name = (tries > 30 ? r.pick(VILLAGE_A) : '') + r.pick(VILLAGE_A) + r.pick(VILLAGE_B) + (rural ? '村' : '社区');
      usedVillage.add(name);
      this.villages.push({
        idx: v,
        code: REGION + town.code + String(200 + within).padStart(3, '0'),
        name,
        town: t,
        rural,
        nextHouse: 1,
        nextHh: 1,
      });
    }
  }

  // ---------- households ----------
  addHousehold(village: number, members: { age?: number; birth?: number; male?: boolean; rel: string; surname?: string; unique?: boolean }[], flags = 0): Household {
    const v = this.villages[village];
    const r = this.rng;
    const hidx = this.households.length;
    const hid = v.code + String(v.nextHh++).padStart(4, '0');
    const n = v.nextHouse++;
    const address = v.rural
      ? `${COUNTY}${this.towns[v.town].name}${v.name}${1 + (n % 12)}组${n}号`
      : `${COUNTY}${this.towns[v.town].name}${v.name}${ROADS[n % ROADS.length]}路${n}号`;
    const hh: Household = { idx: hidx, hid, village, address, members: [], flags };
    this.households.push(hh);
    let headSurname = '';
    for (const m of members) {
      const male = m.male ?? r.chance(0.5);
      const birth = m.birth ?? this.birthForAge(m.age ?? 40);
      let surname = m.surname;
      if (!surname && headSurname && /子|女|孙/.test(m.rel)) surname = headSurname;
      const name = m.unique || flags & F.PLANT ? this.uniqueName(male, surname) : this.newName(male, surname);
      if (!headSurname) headSurname = name[0];
      const p: Person = { idx: this.persons.length, id: this.newId(birth, male), name, male, birth, hh: hidx, rel: m.rel, flags, death: 0, account: '' };
      p.account = this.newAccount();
      this.persons.push(p);
      hh.members.push(p.idx);
    }
    return hh;
  }
  birthForAge(age: number): number {
    const r = this.rng;
    // age on REF_DAY
    const y = 2024 - age;
    let b = day(y, r.int(1, 12), r.int(1, 28));
    if (b > REF_DAY) b = day(y - 1, r.int(1, 12), r.int(1, 28));
    return b;
  }

  buildPopulation(): void {
    const r = this.rng;
    const target = Math.max(300, Math.round(100000 * this.scale));
    const sizeW = [12, 25, 25, 20, 12, 6];
    while (this.persons.length < target) {
      const v = r.int(0, this.villages.length - 1);
      const size = r.weighted(sizeW) + 1;
      const headAge = 24 + Math.floor(Math.pow(r.next(), 0.8) * 70);
      const headMale = r.chance(0.82);
      const ms: { age: number; male?: boolean; rel: string }[] = [{ age: Math.min(103, headAge), male: headMale, rel: '户主' }];
      if (size >= 2 && r.chance(0.88)) ms.push({ age: Math.max(20, Math.min(100, headAge + r.int(-5, 4))), male: !headMale, rel: '配偶' });
      while (ms.length < size) {
        if (headAge < 58 && r.chance(0.25) && !ms.some((x) => /父|母/.test(x.rel))) {
          const male = r.chance(0.4);
          ms.push({ age: Math.min(101, headAge + r.int(24, 32)), male, rel: male ? '父亲' : '母亲' });
        } else if (headAge >= 22) {
          const male = r.chance(0.52);
          const age = Math.max(0, headAge - r.int(22, 34));
          ms.push({ age, male, rel: male ? '子' : '女' });
        } else break;
      }
      this.addHousehold(v, ms);
    }
  }

  // ---------- background assignments ----------
  private eligibleHouseholds(pred: (h: Household) => boolean): number[] {
    const out: number[] = [];
    for (const h of this.households) if (!(h.flags & (F.PLANT | F.GHOST)) && pred(h)) out.push(h.idx);
    return out;
  }

  addDibao(hh: number, category: DibaoCase['category'], start: number, end: number, roster?: number[]): DibaoCase {
    const h = this.households[hh];
    const r = this.rng;
    const memberCents = new Map<number, number>();
    const list = roster ?? h.members;
    for (const p of list) {
      memberCents.set(p, category === '特困供养' ? r.int(80, 95) * 1000 : r.int(30, 76) * 1000);
      this.persons[p].flags |= F.DIBAO;
      if (category === '特困供养') this.persons[p].flags |= F.TEKUN;
    }
    h.flags |= F.DIBAO;
    const c: DibaoCase = { hh, category, start, end, memberCents, headIdx: list[0], roster: list };
    this.dibao.push(c);
    this.dibaoByHh.set(hh, c);
    return c;
  }

  buildBackground(): void {
    const r = this.rng;
    const P = this.persons;
    const H = this.households;
    const age = (p: Person) => ageOn(p.birth, REF_DAY);
    // dibao: ~3% of households, more often elderly / rural
    for (const hi of this.eligibleHouseholds(() => true)) {
      const h = H[hi];
      const head = P[h.members[0]];
      const v = this.villages[h.village];
      const pr = (age(head) >= 65 ? 0.05 : 0.022) * (v.rural ? 1.2 : 0.8);
      if (!r.chance(pr)) continue;
      const tekun = h.members.length === 1 && age(head) >= 62 && r.chance(0.3);
      const start = day(r.int(2012, 2022), r.int(1, 12), r.int(1, 28));
      let end = 0;
      const x = r.next();
      if (x < 0.12) end = lastDayOfMonth(r.int(0, MONTHS - 2));
      else if (x < 0.16 && start < day(2020, 1, 1)) end = day(r.int(2020, 2021), r.int(1, 12), 28);
      this.addDibao(hi, tekun ? '特困供养' : v.rural ? '农村低保' : '城市低保', start, end);
    }
    // cadres: 5 per village, adults 30-62 of non-dibao households
    const positions = ['党总支书记', '村委会主任', '村委会副主任', '会计', '妇女主任'];
    const byVillage: number[][] = this.villages.map(() => []);
    for (const h of H) if (!(h.flags & (F.PLANT | F.GHOST | F.DIBAO))) byVillage[h.village].push(h.idx);
    for (const v of this.villages) {
      const cands = byVillage[v.idx].filter((hi) => !(H[hi].flags & F.CADRE_HH));
      r.shuffle(cands);
      let k = 0;
      for (const hi of cands) {
        if (k >= positions.length) break;
        const h = H[hi];
        const pid = h.members.find((m) => {
          const a = age(P[m]);
          return a >= 30 && a <= 62;
        });
        if (pid === undefined) continue;
        h.flags |= F.CADRE_HH;
        P[pid].flags |= F.CADRE;
        this.cadres.push({ p: pid, village: v.idx, position: v.rural ? positions[k] : positions[k].replace('村委会', '居委会'), termStart: day(2021, 1, r.int(5, 25)), termEnd: 0 });
        // declared relatives (亲属关系): 1-2 people of other non-dibao households of the village
        const nRel = r.int(1, 2);
        for (let j = 0; j < nRel; j++) {
          const oh = byVillage[v.idx][r.int(0, byVillage[v.idx].length - 1)];
          if (oh === hi) continue;
          const other = H[oh].members[0];
          if (P[other].flags & F.DIBAO) continue;
          P[other].flags |= F.DECLARED_REL;
          this.relations.push({ a: pid, b: other, rel: r.pick(['兄弟姐妹', '堂兄弟', '配偶的兄弟姐妹', '子女配偶的父母']) });
        }
        k++;
      }
    }
    // persons of non-dibao, non-plant households
    const free: number[] = [];
    for (const p of P) {
      const h = H[p.hh];
      if (h.flags & (F.DIBAO | F.PLANT | F.GHOST)) continue;
      free.push(p.idx);
    }
    // payroll: ~3.5% of people aged 22-60
    for (const pi of free) {
      const p = P[pi];
      const a = age(p);
      if (a < 22 || a > 60 || !r.chance(0.06)) continue;
      const [emp, pos] = r.pick(EMPLOYERS);
      const start = day(Math.max(2024 - a + 22, 1985), r.int(7, 9), 1);
      const end = r.chance(0.08) ? day(r.int(2019, 2024), r.int(1, 12), 28) : 0;
      this.employees.push({ p: pi, employer: emp, position: pos, start: Math.min(start, day(2024, 9, 1)), end });
      p.flags |= F.EMPLOYEE;
    }
    // business: ~3% of adults
    for (const pi of free) {
      const p = P[pi];
      const a = age(p);
      if (a < 23 || a > 70 || !r.chance(0.03)) continue;
      this.addBusiness(pi, r.chance(0.7) ? '法定代表人' : '股东', day(r.int(2005, 2024), r.int(1, 12), r.int(1, 28)), r.chance(0.8) ? '存续' : r.chance(0.5) ? '注销' : '吊销');
    }
    // property: households
    for (const h of H) {
      if (h.flags & (F.PLANT | F.GHOST)) continue;
      const head = h.members[0];
      if (h.flags & F.DIBAO) {
        if (r.chance(0.35)) this.addProperty(head, '住宅', day(r.int(2000, 2020), r.int(1, 12), r.int(1, 28)));
        continue;
      }
      if (!r.chance(0.55)) continue;
      this.addProperty(head, r.chance(0.8) ? '住宅' : '成套住宅', day(r.int(2000, 2024), r.int(1, 12), r.int(1, 28)));
      if (r.chance(0.15)) this.addProperty(h.members[r.int(0, h.members.length - 1)], '住宅', day(r.int(2005, 2024), r.int(1, 12), r.int(1, 28)));
      if (r.chance(0.04)) this.addProperty(head, r.pick(['商业', '商业服务', '办公', '车库']), day(r.int(2005, 2024), r.int(1, 12), r.int(1, 28)));
    }
    // vehicles
    for (const pi of free) {
      const p = P[pi];
      const a = age(p);
      if (a < 20 || a > 70) continue;
      const x = r.next();
      if (x < 0.14) {
        const [t, b] = r.pick(CARS);
        const reg = day(r.int(2008, 2024), r.int(1, 12), r.int(1, 28));
        const gone = r.chance(0.07);
        this.addVehicle(pi, t, b, reg, gone ? '注销' : '正常', gone ? Math.min(REF_DAY, reg + r.int(400, 4000)) : 0);
      } else if (x < 0.19) {
        const [t, b] = r.pick(EXEMPT_VEHICLES);
        this.addVehicle(pi, t, b, day(r.int(2008, 2024), r.int(1, 12), r.int(1, 28)), '正常', 0);
      }
    }
    // exempt vehicles in dibao households (look-alikes that must not fire)
    for (const c of this.dibao) {
      if (!r.chance(0.1)) continue;
      const pi = c.roster.find((m) => age(P[m]) >= 20 && age(P[m]) <= 75);
      if (pi === undefined) continue;
      const [t, b] = r.pick(EXEMPT_VEHICLES);
      this.addVehicle(pi, t, b, day(r.int(2008, 2022), r.int(1, 12), r.int(1, 28)), '正常', 0);
    }
    // land: rural households' heads contract 1-3 plots
    for (const h of H) {
      if (h.flags & (F.PLANT | F.GHOST)) continue;
      if (!this.villages[h.village].rural || !r.chance(0.75)) continue;
      const head = h.members[0];
      const plots = r.int(1, 3);
      for (let k = 0; k < plots; k++) this.addLand(head, r.int(8, 60));
    }
    // disability subsidies: 1.2% of people (any household)
    for (const p of P) if (!(p.flags & (F.PLANT | F.GHOST)) && r.chance(0.012)) p.flags |= F.DISABLED;
    // deaths: elderly outside dibao / cadre / payroll / declared relatives; 2021-01 … 2024-12
    for (const pi of free) {
      const p = P[pi];
      if (p.flags & (F.EMPLOYEE | F.CADRE | F.DECLARED_REL)) continue;
      const a = age(p);
      const pr = a >= 85 ? 0.16 : a >= 75 ? 0.06 : a >= 60 ? 0.015 : 0.001;
      if (!r.chance(pr)) continue;
      p.death = day(r.int(2021, 2024), r.int(1, 12), r.int(1, 28));
      if (p.death <= p.birth) p.death = 0;
    }
  }

  private usedCompanies = new Set<string>();
  addBusiness(p: number, role: string, reg: number, status: string, capitalCents?: number, dereg?: number): BusinessRec {
    const r = this.rng;
    let company = '';
    while (!company || this.usedCompanies.has(company)) {
      const w = r.pick(COMPANY_WORDS) + r.pick(COMPANY_WORDS) + (this.usedCompanies.size > 300 ? r.pick(COMPANY_WORDS) : '');
      company = `${COUNTY}${w}${r.pick(INDUSTRIES)}${r.chance(0.15) ? '专业合作社' : '有限公司'}`;
    }
    this.usedCompanies.add(company);
    const seq = this.companySeq++;
    const b: BusinessRec = {
      p,
      company,
      credit: '92320922MA' + seq.toString(36).toUpperCase().padStart(7, '0') + String(seq % 10),
      role,
      reg,
      capitalCents: capitalCents ?? r.pick([10, 30, 50, 100, 200, 500]) * 1000000,
      status,
      dereg: dereg ?? (status === '注销' ? Math.min(REF_DAY, reg + r.int(200, 3000)) : 0),
    };
    this.businesses.push(b);
    return b;
  }
  addProperty(p: number, usage: string, reg: number, area?: number): PropertyRec {
    const r = this.rng;
    const [y] = ymd(reg);
    const h = this.households[this.persons[p].hh];
    const v = this.villages[h.village];
    const rec: PropertyRec = {
      p,
      address: usage.includes('住宅') && r.chance(0.5) ? h.address : `${COUNTY}${this.towns[v.town].name}${r.pick(ROADS)}路${r.int(1, 300)}号${r.int(1, 30)}幢${r.int(1, 6)}0${r.int(1, 4)}室`,
      area: area ?? (usage.includes('住宅') ? r.int(600, 1600) / 10 : r.int(300, 2500) / 10),
      usage,
      reg,
      cert: `苏(${y})滨海县不动产权第${String(this.certSeq++).padStart(7, '0')}号`,
    };
    this.properties.push(rec);
    return rec;
  }
  addVehicle(p: number, type: string, brand: string, reg: number, status: string, dereg: number): VehicleRec {
    const s = this.plateSeq++;
    const A = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
    // unique for 24 × 24 × 10,000 vehicles: 苏J + letter + (letter or digit) + 4 digits
    const q = Math.floor(s / 24);
    const plate = `苏J${A[s % 24]}${q < 10000 ? String(q % 10) + String(Math.floor(q / 10)).padStart(3, '0') : A[Math.floor(q / 10000) % 24] + String(q % 10000).padStart(4, '0')}`;
    const rec: VehicleRec = { p, plate: type.includes('摩托') ? plate.replace('苏J', '苏J·') : plate, type, brand, reg, status, dereg };
    this.vehicles.push(rec);
    return rec;
  }
  addLand(p: number, area10: number): LandRec {
    const h = this.households[this.persons[p].hh];
    this.persons[p].flags |= F.CONTRACTOR;
    const rec: LandRec = { p, hh: h.idx, plot: `${this.villages[h.village].code}${String(this.land.length % 100000).padStart(5, '0')}`, area10 };
    this.land.push(rec);
    return rec;
  }
}

export function lastDayOfMonth(m: number): number {
  const [y, mo] = monthYM(m + 1);
  return day(y, mo, 1) - 1;
}
export function firstDayOfMonth(m: number): number {
  const [y, mo] = monthYM(m);
  return day(y, mo, 1);
}
export { birthday, ageOn };
