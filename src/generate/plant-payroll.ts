/**
 * Planted 吃空饷 anomalies (SPEC §4.4) and their look-alikes, on fresh plant households. Amounts are what the
 * payroll files hold for the counted rows: 实发 in 财政统发 and the retirees' file, 应发 in the hospitals' unit sheet
 * (it has no 实发 column). Each variant is planted `reps = max(1, round(scale))` times.
 */
import { F, type County } from './county.js';
import { PAY_MONTHS, countedCents, payMonthOf, payMonthStart, payMonthText, type PayStream, type Payroll } from './payroll.js';
import { day } from './random.js';
import type { Truth } from './truth.js';

export function plantPayroll(c: County, payroll: Payroll, truth: Truth, scale: number): string[] {
  const reps = Math.max(1, Math.round(scale));
  const lookalikes: string[] = [];
  let rr = 0;
  const person = (age: number, male = true) => {
    const hh = c.addHousehold(c.villages[rr++ % c.villages.length].idx, [{ age, male, rel: '户主' }], F.PLANT);
    return hh.members[0];
  };
  const employ = (p: number, employer: string, position: string, start: number, end = 0) => {
    c.employees.push({ p, employer, position, start, end });
    c.persons[p].flags |= F.EMPLOYEE;
  };
  const stream = (s: PayStream) => {
    payroll.streams.push(s);
    payroll.planted.add(s.p);
    return s;
  };
  /** cents a payroll rule counts for the stream's months in [from, to] */
  const counted = (s: PayStream, from: number, to: number) => {
    let sum = 0;
    for (let m = Math.max(from, s.from); m <= Math.min(to, s.to); m++) sum += countedCents(s, s.gross, s.net);
    return sum;
  };

  for (let k = 0; k < reps; k++) {
    const bump = k * 1700; // keeps amounts distinct across repetitions
    // ---------------- payroll_deceased ----------------
    {
      // (a) a retiree of 教育局 (财政统发) died 2023-05-12; 离退休费 went on to 2024-12: July 2023 on counts
      const a = person(80);
      c.persons[a].death = day(2023, 5, 12);
      const sa = stream({ p: a, unit: '滨海县教育局', item: '离退休', from: 0, to: PAY_MONTHS - 1, gross: 412000 + bump, net: 405000 + bump });
      const firstA = firstCounted(c.persons[a].death);
      truth.fixed('payroll_deceased', c.persons[a].id, counted(sa, firstA, PAY_MONTHS - 1), '离退休费 paid 2023-07..2024-12 after death 2023-05-12');
      // (b) a hospital doctor died 2023-11-30, salary to 2024-03; the unit sheet has 应发 only; January 2024 starts 32 days later
      const b = person(45);
      employ(b, '滨海县人民医院', '医师', day(2010, 8, 1));
      c.persons[b].death = day(2023, 11, 30);
      const sb = stream({ p: b, unit: '滨海县人民医院', item: '基本工资及津补贴', from: 0, to: payMonthOf(day(2024, 3, 1)), gross: 865000 + bump, net: 0 });
      truth.fixed('payroll_deceased', c.persons[b].id, counted(sb, firstCounted(c.persons[b].death), PAY_MONTHS - 1), 'gross salary 2024-01..03 after death 2023-11-30');
      // look-alikes: April pay after a death on 2023-03-01 (exactly 31 days); the salary of the month of death
      const l1 = person(82, false);
      c.persons[l1].death = day(2023, 3, 1);
      stream({ p: l1, unit: '滨海县中医院', item: '离退休', from: 0, to: payMonthOf(day(2023, 4, 1)), gross: 356000 + bump, net: 356000 + bump });
      const l2 = person(51);
      employ(l2, '滨海县财政局', '科员', day(1998, 8, 1));
      c.persons[l2].death = day(2024, 6, 20);
      stream({ p: l2, unit: '滨海县财政局', item: '在职', from: 0, to: payMonthOf(c.persons[l2].death), gross: 702000 + bump, net: 561600 + bump });
      if (k === 0) lookalikes.push('payroll_deceased: 离退休费 for April after a death on 2023-03-01 (31 days); last salary in the month of death');
    }
    // ---------------- payroll_double ----------------
    {
      // (a) 民政局 employee also paid by 财政局 2023-03..2023-12
      const a = person(38, false);
      employ(a, '滨海县民政局', '科员', day(2012, 9, 1));
      stream({ p: a, unit: '滨海县民政局', item: '在职', from: 0, to: PAY_MONTHS - 1, gross: 640000 + bump, net: 512000 + bump });
      stream({ p: a, unit: '滨海县财政局', item: '在职', from: 2, to: 11, gross: 580000 + bump, net: 470600 + bump });
      truth.fixed('payroll_double', c.persons[a].id, 10 * (470600 + bump), 'paid by 民政局 and 财政局 for 2023-03..12');
      // (b) three units in 2024-04: 教育局 and 第一中学 (统发, 实发) and 人民医院 (unit sheet, 应发)
      const b = person(42);
      employ(b, '滨海县教育局', '科员', day(2008, 9, 1));
      const edu = stream({ p: b, unit: '滨海县教育局', item: '在职', from: 0, to: PAY_MONTHS - 1, gross: 700000 + bump, net: 560000 + bump });
      const m = payMonthOf(day(2024, 4, 1));
      const school = stream({ p: b, unit: '滨海县第一中学', item: '在职', from: m, to: m, gross: 300000 + bump, net: 250000 + bump });
      const hosp = stream({ p: b, unit: '滨海县人民医院', item: '工资', from: m, to: m, gross: 210000 + bump, net: 0 });
      const parts = [edu, school, hosp].map((s) => countedCents(s, s.gross, s.net));
      truth.fixed('payroll_double', c.persons[b].id, parts.reduce((x, y) => x + y, 0) - Math.max(...parts), 'three units pay one person in 2024-04');
      // (c) two hospitals 2024-07..09, one of them in two items (基本工资 + 绩效工资)
      const cc = person(35, false);
      employ(cc, '滨海县人民医院', '护士', day(2014, 8, 1));
      const from = payMonthOf(day(2024, 7, 1));
      stream({ p: cc, unit: '滨海县人民医院', item: '基本工资及津补贴', from: 0, to: from - 1, gross: 620000 + bump, net: 0 });
      const h1 = stream({ p: cc, unit: '滨海县人民医院', item: '基本工资', from, to: from + 2, gross: 380000 + bump, net: 0 });
      const h2 = stream({ p: cc, unit: '滨海县人民医院', item: '绩效工资', from, to: from + 2, gross: 240000, net: 0 });
      const h3 = stream({ p: cc, unit: '滨海县中医院', item: '工资', from, to: from + 2, gross: 455000 + bump, net: 0 });
      const perMonth = [h1.gross + h2.gross, h3.gross];
      truth.fixed('payroll_double', c.persons[cc].id, 3 * (perMonth[0] + perMonth[1] - Math.max(...perMonth)), 'two hospitals pay one nurse 2024-07..09');
      // look-alikes: a transfer (each unit pays its own months: background streams from the two employee records),
      // a re-employed retiree (离退休 beside a salary), back pay from the same unit in the same month
      const t = person(33);
      employ(t, '滨海县农业农村局', '科员', day(2015, 8, 1), day(2023, 6, 30));
      employ(t, '滨海县自然资源和规划局', '科员', day(2023, 7, 1));
      const rh = person(63);
      stream({ p: rh, unit: '滨海县人民医院', item: '离退休', from: 0, to: PAY_MONTHS - 1, gross: 468000 + bump, net: 468000 + bump });
      stream({ p: rh, unit: '滨海县中医院', item: '返聘工资', from: 0, to: PAY_MONTHS - 1, gross: 300000 + bump, net: 0 });
      const bp = person(44, false);
      employ(bp, '滨海县教育局', '科员', day(2006, 9, 1));
      stream({ p: bp, unit: '滨海县教育局', item: '在职', from: 0, to: PAY_MONTHS - 1, gross: 610000 + bump, net: 490000 + bump, extraMonths: [[8, 120000, 120000]] });
      if (k === 0) lookalikes.push('payroll_double: a transfer 农业农村局 → 自然资源和规划局 on 2023-07-01; a re-employed retiree (离退休 + 返聘工资); 补发 from the same unit');
    }
  }
  return lookalikes;
}

/** the first pay month whose first day is more than 31 days after the death */
function firstCounted(death: number): number {
  let m = Math.max(0, payMonthOf(death));
  while (m < PAY_MONTHS && payMonthStart(m) - death <= 31) m++;
  return m;
}
void payMonthText;
