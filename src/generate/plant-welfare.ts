/**
 * Planted welfare anomalies (SPEC §4.1, §4.2) and their harmless look-alikes.
 *
 * Every plant lives on fresh households (flag PLANT) created here, with unique names, so the background
 * never touches them and each planted subject fires only the rule(s) listed. All dibao plants are 低保
 * households (category 农村低保/城市低保) whose roster start is before the data period (2022-07) and whose
 * anomaly (vehicle, home, payroll, company, cadre link) holds for the whole data period; their amount is
 * therefore ALL 低保金 paid to the household (to its head, the only 低保金 payee) in the data.
 *
 * Number of instances: each variant below is planted `reps = max(1, round(scale))` times.
 */
import { F, MONTHS, REF_DAY, firstDayOfMonth, monthOfDay, type County, type Household } from './county.js';
import { SUB, GRAIN, payDay, type GrainYear, type Payouts } from './payouts.js';
import { birthday, day } from './random.js';
import type { Truth } from './truth.js';
import { idCheckDigit } from '../normalize/id-number.js';

export interface WelfarePlantResult {
  grainExtra: { p: number; year: GrainYear; area10: number }[];
  lookalikes: string[];
}

export function plantWelfare(c: County, pay: Payouts, truth: Truth, scale: number): WelfarePlantResult {
  const reps = Math.max(1, Math.round(scale));
  const P = c.persons;
  const rural = c.villages.filter((v) => v.rural).map((v) => v.idx);
  const urban = c.villages.filter((v) => !v.rural).map((v) => v.idx);
  const all = c.villages.map((v) => v.idx);
  let rr = 0;
  const nextVillage = (pool: number[] = all) => pool[rr++ % pool.length];
  const lookalikes: string[] = [];
  const grainExtra: WelfarePlantResult['grainExtra'] = [];
  const dataStart = firstDayOfMonth(0);

  /** a 低保 household of `ages` (first = head) in village v, roster start before the data period */
  const dibaoHh = (ages: number[], v = nextVillage(), startYear = 2019) => {
    const hh = c.addHousehold(
      v,
      ages.map((a, i) => ({ age: a, rel: i === 0 ? '户主' : i === 1 ? '配偶' : a < ages[0] - 18 ? (i % 2 ? '子' : '女') : '母亲', male: i === 0 ? true : i === 1 ? false : undefined })),
      F.PLANT,
    );
    const dc = c.addDibao(hh.idx, c.villages[v].rural ? '农村低保' : '城市低保', day(startYear, 3 + (rr % 8), 10), 0);
    return { hh, dc, head: hh.members[0] };
  };
  /** tag the household's 低保金 so the truth amount is what was paid to it */
  const dibaoLead = (rule: Parameters<Truth['tallied']>[0], hh: Household, subject: number, note: string) => {
    const head = c.dibaoByHh.get(hh.idx)!.headIdx;
    const key = truth.tallied(rule, P[subject].id, note);
    pay.ov(head).tags = [...(pay.ov(head).tags ?? []), { key, types: [SUB.DIBAO] }];
  };
  const plainHh = (ages: number[], v = nextVillage(), flags = F.PLANT) =>
    c.addHousehold(v, ages.map((a, i) => ({ age: a, rel: i === 0 ? '户主' : i === 1 ? '配偶' : '子', male: i === 0 ? true : i === 1 ? false : undefined })), flags);

  for (let k = 0; k < reps; k++) {
    // ---------------- dibao_vehicle ----------------
    {
      // (a) spouse owns a 小型轿车 registered 2018, household on 低保 since 2019 → lead on the spouse
      const a = dibaoHh([52, 50, 19]);
      c.addVehicle(a.hh.members[1], '小型轿车', '大众牌FV7152', day(2018, 6, 12), '正常', 0);
      dibaoLead('dibao_vehicle', a.hh, a.hh.members[1], 'spouse owns a car bought before the dibao start');
      // (b) head buys a 轻型普通货车 in 2020 while on dibao since 2017 → lead on the head
      const b = dibaoHh([47, 45], undefined, 2017);
      c.addVehicle(b.head, '轻型普通货车', '江淮牌HFC1041', day(2020, 9, 3), '正常', 0);
      dibaoLead('dibao_vehicle', b.hh, b.head, 'head registered a light truck during the dibao period');
      // (c) daughter owns a 小型普通客车 registered 2015 (status 正常) → lead on the daughter
      const cc = dibaoHh([58, 56, 27], undefined, 2020);
      c.addVehicle(cc.hh.members[2], '小型普通客车', '五菱牌LZW6407', day(2015, 4, 20), '正常', 0);
      dibaoLead('dibao_vehicle', cc.hh, cc.hh.members[2], 'adult child owns a minivan');
      // look-alikes: exempt types, a car deregistered before the dibao start, a 报废 car with no date
      const l1 = dibaoHh([61, 60]);
      c.addVehicle(l1.head, '普通二轮摩托车', '豪爵牌HJ125', day(2016, 5, 1), '正常', 0);
      c.addVehicle(l1.hh.members[1], '三轮汽车', '五征牌7YP-1150', day(2017, 8, 9), '正常', 0);
      const l2 = dibaoHh([55, 53], undefined, 2019);
      c.addVehicle(l2.head, '小型轿车', '比亚迪牌F3', day(2012, 3, 3), '注销', day(2018, 11, 20));
      const l3 = dibaoHh([63], undefined, 2020);
      c.addVehicle(l3.head, '小型普通客车', '长安牌SC6483', day(2009, 7, 7), '报废', 0);
      if (k === 0) lookalikes.push('dibao_vehicle: exempt 普通二轮摩托车/三轮汽车; car 注销 2018 before dibao start 2019; 报废 car with no date');
    }
    // ---------------- dibao_property ----------------
    {
      // (a) head owns a home (2010), spouse a second home (2018): the spouse's home tips it over
      const a = dibaoHh([49, 47, 20]);
      c.addProperty(a.head, '住宅', day(2010, 5, 6), 98.5);
      c.addProperty(a.hh.members[1], '住宅', day(2018, 9, 12), 112.3);
      dibaoLead('dibao_property', a.hh, a.hh.members[1], 'second home registered 2018 in the spouse name');
      // (b) head owns two homes (2008, 2016) → lead on the head
      const b = dibaoHh([57, 54]);
      c.addProperty(b.head, '住宅', day(2008, 3, 14), 86.0);
      c.addProperty(b.head, '成套住宅', day(2016, 10, 20), 120.7);
      dibaoLead('dibao_property', b.hh, b.head, 'head owns two homes');
      // (c) member owns a shop (商业), no home → lead on that member
      const cc = dibaoHh([62, 60, 33]);
      c.addProperty(cc.hh.members[2], '商业', day(2017, 7, 1), 45.6);
      dibaoLead('dibao_property', cc.hh, cc.hh.members[2], 'member owns a non-residential property (商业)');
      const l = dibaoHh([66, 64]);
      c.addProperty(l.head, '住宅', day(2005, 2, 2), 90.0);
      if (k === 0) lookalikes.push('dibao_property: dibao households with exactly one 住宅 (plus ~35% of background dibao households)');
    }
    // ---------------- dibao_public_employee ----------------
    {
      const a = dibaoHh([54, 52, 28]);
      c.employees.push({ p: a.hh.members[2], employer: '滨海县实验小学', position: '教师', start: day(2020, 9, 1), end: 0 });
      P[a.hh.members[2]].flags |= F.EMPLOYEE;
      dibaoLead('dibao_public_employee', a.hh, a.hh.members[2], 'son is a teacher on the payroll since 2020-09');
      const b = dibaoHh([45, 44, 16]);
      c.employees.push({ p: b.head, employer: '滨海县人民医院', position: '护士', start: day(2012, 8, 1), end: 0 });
      P[b.head].flags |= F.EMPLOYEE;
      dibaoLead('dibao_public_employee', b.hh, b.head, 'head is a hospital nurse on the payroll');
      const cc = dibaoHh([59, 57, 30]);
      c.employees.push({ p: cc.hh.members[2], employer: '滨海县自然资源和规划局', position: '科员', start: day(2021, 7, 1), end: 0 });
      P[cc.hh.members[2]].flags |= F.EMPLOYEE;
      dibaoLead('dibao_public_employee', cc.hh, cc.hh.members[2], 'daughter/son is a civil servant since 2021-07');
      const l = dibaoHh([50, 48, 26], undefined, 2019);
      c.employees.push({ p: l.hh.members[2], employer: '滨海县中医院', position: '医师', start: day(2016, 8, 1), end: day(2018, 6, 30) });
      P[l.hh.members[2]].flags |= F.EMPLOYEE;
      if (k === 0) lookalikes.push('dibao_public_employee: member left the payroll 2018-06-30, before the dibao start 2019');
    }
    // ---------------- dibao_business ----------------
    {
      const a = dibaoHh([48, 46]);
      c.addBusiness(a.head, '法定代表人', day(2018, 4, 9), '存续', 50000000);
      dibaoLead('dibao_business', a.hh, a.head, 'head is legal representative of a live company (capital 500,000)');
      const b = dibaoHh([51, 50, 24]);
      c.addBusiness(b.hh.members[1], '股东', day(2021, 1, 15), '存续', 100000000);
      dibaoLead('dibao_business', b.hh, b.hh.members[1], 'spouse is a shareholder of a live company');
      const cc = dibaoHh([60, 58, 35]);
      c.addBusiness(cc.hh.members[2], '法定代表人', day(2022, 3, 1), '在业', 3000000);
      dibaoLead('dibao_business', cc.hh, cc.hh.members[2], 'adult child registered a company in 2022-03, before the data period');
      const l1 = dibaoHh([53, 51], undefined, 2019);
      c.addBusiness(l1.head, '法定代表人', day(2012, 5, 5), '注销', 20000000, day(2017, 12, 1));
      const l2 = dibaoHh([57], undefined, 2019);
      c.addBusiness(l2.head, '股东', day(2010, 6, 6), '吊销', 10000000, 0);
      if (k === 0) lookalikes.push('dibao_business: company 注销 2017 before dibao start 2019; company 吊销 with no date');
    }
    // ---------------- dibao_cadre_relative ----------------
    {
      const v1 = nextVillage();
      // (a) the cadre himself is a dibao member
      const a = dibaoHh([56], v1);
      c.cadres.push({ p: a.head, village: v1, position: '村委会委员', termStart: day(2021, 1, 12), termEnd: 0 });
      P[a.head].flags |= F.CADRE;
      dibaoLead('dibao_cadre_relative', a.hh, a.head, 'a sitting cadre is on the dibao roster');
      // (b) the cadre's mother lives in the cadre's household (person.household_id) and is on the roster alone
      const v2 = nextVillage();
      const bh = c.addHousehold(v2, [{ age: 44, male: true, rel: '户主' }, { age: 42, male: false, rel: '配偶' }, { age: 74, male: false, rel: '母亲' }], F.PLANT);
      c.cadres.push({ p: bh.members[0], village: v2, position: '会计', termStart: day(2021, 1, 12), termEnd: 0 });
      P[bh.members[0]].flags |= F.CADRE;
      c.addDibao(bh.idx, c.villages[v2].rural ? '农村低保' : '城市低保', day(2020, 6, 1), 0, [bh.members[2]]);
      dibaoLead('dibao_cadre_relative', bh, bh.members[2], "cadre's mother, same household, on the roster alone");
      // (c) relation table: cadre's brother in another household of the same village
      const v3 = nextVillage();
      const ch = plainHh([50, 48], v3);
      const cadre = ch.members[0];
      c.cadres.push({ p: cadre, village: v3, position: '村委会副主任', termStart: day(2021, 1, 12), termEnd: 0 });
      P[cadre].flags |= F.CADRE;
      const bro = c.addHousehold(v3, [{ age: 53, male: true, rel: '户主', surname: P[cadre].name[0] }, { age: 52, male: false, rel: '配偶' }], F.PLANT);
      c.addDibao(bro.idx, c.villages[v3].rural ? '农村低保' : '城市低保', day(2019, 11, 1), 0);
      c.relations.push({ a: cadre, b: bro.members[0], rel: '兄弟' });
      dibaoLead('dibao_cadre_relative', bro, bro.members[0], "cadre's brother (relation table), same village");
      // look-alike (d): cadre's father in the cadre's household, on dibao, FILED in kin_filing
      const v4 = nextVillage();
      const dh = c.addHousehold(v4, [{ age: 41, male: true, rel: '户主' }, { age: 72, male: true, rel: '父亲' }], F.PLANT);
      c.cadres.push({ p: dh.members[0], village: v4, position: '妇女主任', termStart: day(2021, 1, 12), termEnd: 0 });
      P[dh.members[0]].flags |= F.CADRE;
      c.addDibao(dh.idx, c.villages[v4].rural ? '农村低保' : '城市低保', day(2020, 2, 1), 0, [dh.members[1]]);
      c.kinFilings.push({ p: dh.members[1], cadre: dh.members[0], rel: '父子', date: day(2020, 1, 20) });
      // look-alike (e): cadre's sister (relation table) on dibao in ANOTHER village
      const v5 = nextVillage();
      let v6 = nextVillage();
      if (v6 === v5) v6 = all[(all.indexOf(v5) + 1) % all.length];
      const eh = plainHh([46, 45], v5);
      c.cadres.push({ p: eh.members[0], village: v5, position: '党总支书记', termStart: day(2018, 1, 8), termEnd: 0 });
      P[eh.members[0]].flags |= F.CADRE;
      const sis = c.addHousehold(v6, [{ age: 49, male: false, rel: '户主', surname: P[eh.members[0]].name[0] }], F.PLANT);
      c.addDibao(sis.idx, c.villages[v6].rural ? '农村低保' : '城市低保', day(2019, 5, 1), 0);
      c.relations.push({ a: eh.members[0], b: sis.members[0], rel: '兄弟姐妹' });
      if (k === 0) lookalikes.push("dibao_cadre_relative: cadre's father on dibao but filed (kin_filing); cadre's sister on dibao in another village");
    }
    // ---------------- deceased_payment ----------------
    {
      // (a) 86-year-old (高龄 + 养老金) died 2023-02-10, payments never stopped
      const a = plainHh([86], nextVillage());
      const pa = P[a.members[0]];
      pa.death = day(2023, 2, 10);
      pay.ov(pa.idx).ignoreDeath = true;
      pay.ov(pa.idx).tags = [{ key: truth.tallied('deceased_payment', pa.id, 'paid 22 months after death (高龄津贴+养老金)'), from: pa.death + 32 }];
      // (b) 68-year-old died 2023-09-28, 养老金 paid until 2024-06 (the 2023-10-15 payment is within the grace)
      const b = plainHh([68], nextVillage());
      const pb = P[b.members[0]];
      pb.death = day(2023, 9, 28);
      const ob = pay.ov(pb.idx);
      ob.ignoreDeath = true;
      ob.noAuto = true;
      ob.extra = [];
      for (let m = 0; m <= monthOfDay(day(2024, 6, 1)); m++) ob.extra.push({ type: SUB.PENSION, fromM: m, toM: m, cents: pensionOf(m) });
      ob.tags = [{ key: truth.tallied('deceased_payment', pb.id, '养老金 paid until 2024-06 after death 2023-09-28'), from: pb.death + 32 }];
      // (c) dibao member (not the payee) died 2023-04-02 and is still on the roster with no end date → amount 0
      const cc = dibaoHh([54, 52]);
      P[cc.hh.members[1]].death = day(2023, 4, 2);
      truth.fixed('deceased_payment', P[cc.hh.members[1]].id, 0, 'dead dibao member still listed with no 退出时间 (roster-only lead)');
      // look-alike: death exactly 31 days before the last 养老金 payment
      const l = plainHh([72], nextVillage());
      const pl = P[l.members[0]];
      pl.death = payDay(14, SUB.PENSION) - 31;
      if (k === 0) lookalikes.push('deceased_payment: last payment exactly 31 days after death; background deaths paid at most once within 31 days');
    }
    // ---------------- duplicate_payment ----------------
    {
      const a = plainHh([66], nextVillage());
      const pa = P[a.members[0]];
      pay.ov(pa.idx).dup = [{ type: SUB.PENSION, m: 10, offsets: [10] }];
      truth.fixed('duplicate_payment', pa.id, pensionOf(10), '养老金 paid twice for 2023-05');
      const b = plainHh([50], nextVillage());
      const pb = P[b.members[0]];
      const ob = pay.ov(pb.idx);
      ob.noAuto = true;
      ob.extra = [{ type: SUB.DIS_LIVING, fromM: 0, toM: MONTHS - 1, cents: 9000 }];
      ob.dup = [{ type: SUB.DIS_LIVING, m: 20, offsets: [3, 7] }];
      truth.fixed('duplicate_payment', pb.id, 18000, '困难残疾人生活补贴 paid three times for 2024-03');
      const cc = plainHh([84], nextVillage());
      const pc = P[cc.members[0]];
      pay.ov(pc.idx).dup = [{ type: SUB.GAOLING, m: 16, offsets: [5] }];
      truth.fixed('duplicate_payment', pc.id, 5000, '高龄津贴 paid twice in 2023-11 (that month file has no period column)');
      if (k === 0) lookalikes.push('duplicate_payment: the same person receives different subsidy types in one month (养老金 + 高龄津贴), by design everywhere');
    }
    // ---------------- shared_account + account_name_mismatch ----------------
    {
      // (a) holder H (own 养老金) + 3 unrelated elderly paid into H's account
      const v = nextVillage();
      const H = P[plainHh([70], v).members[0]];
      const acctA = H.account;
      const keyA = truth.tallied('shared_account', acctA, '3 unrelated pensioners paid into one villager account');
      for (let i = 0; i < 3; i++) {
        const o = P[plainHh([64 + i * 3], v).members[0]];
        const ov = pay.ov(o.idx);
        ov.account = [{ fromM: 0, account: acctA, name: H.name }];
        ov.tags = [{ key: keyA }, { key: truth.tallied('account_name_mismatch', o.id, 'paid into an unrelated holder account (shared_account plant)'), nameDiffers: true }];
      }
      // (b) holder H2 + H2's spouse + 2 unrelated: the spouse counts as "other" for shared_account but is no mismatch
      const v2 = nextVillage();
      const h2 = plainHh([69, 67], v2);
      const H2 = P[h2.members[0]];
      const keyB = truth.tallied('shared_account', H2.account, 'holder + spouse + 2 unrelated pensioners');
      const sp = P[h2.members[1]];
      pay.ov(sp.idx).account = [{ fromM: 0, account: H2.account, name: H2.name }];
      pay.ov(sp.idx).tags = [{ key: keyB }];
      for (let i = 0; i < 2; i++) {
        const o = P[plainHh([71 + i], v2).members[0]];
        const ov = pay.ov(o.idx);
        ov.account = [{ fromM: 0, account: H2.account, name: H2.name }];
        ov.tags = [{ key: keyB }, { key: truth.tallied('account_name_mismatch', o.id, 'paid into an unrelated holder account (shared_account plant)'), nameDiffers: true }];
      }
      // (c) a cadre's account (the cadre receives nothing) collects 4 pensioners' money from 2023-01
      const v3 = nextVillage();
      const ch = plainHh([47], v3);
      const C = P[ch.members[0]];
      c.cadres.push({ p: C.idx, village: v3, position: '村委会委员', termStart: day(2021, 1, 12), termEnd: 0 });
      C.flags |= F.CADRE;
      const keyC = truth.tallied('shared_account', C.account, "4 pensioners paid into a cadre's account from 2023-01");
      for (let i = 0; i < 4; i++) {
        const o = P[plainHh([62 + i * 4], v3).members[0]];
        const ov = pay.ov(o.idx);
        ov.account = [{ fromM: 6, account: C.account, name: C.name }];
        const from = firstDayOfMonth(6);
        ov.tags = [{ key: keyC, from }, { key: truth.tallied('account_name_mismatch', o.id, "paid into a cadre's account from 2023-01"), from, nameDiffers: true }];
      }
      // look-alike: household-shared account: wife and the husband's mother paid into the husband's account
      const lh = c.addHousehold(nextVillage(), [{ age: 75, male: true, rel: '户主' }, { age: 73, male: false, rel: '配偶' }, { age: 96, male: false, rel: '母亲' }], F.PLANT);
      const LH = P[lh.members[0]];
      for (const m of lh.members.slice(1)) pay.ov(m).account = [{ fromM: 0, account: LH.account, name: LH.name }];
      if (k === 0) lookalikes.push('shared_account: one account for 3 recipients of one household; account_name_mismatch: the same (holder of the household)');
    }
    // ---------------- account_name_mismatch (alone) ----------------
    {
      const a = P[plainHh([67], nextVillage()).members[0]];
      const ya = P[plainHh([40], nextVillage()).members[0]];
      pay.ov(a.idx).account = [{ fromM: 0, account: ya.account, name: ya.name }];
      pay.ov(a.idx).tags = [{ key: truth.tallied('account_name_mismatch', a.id, "养老金 paid into an unrelated person's account"), nameDiffers: true }];
      // (b) 低保金 of a dibao head paid into a stranger's account from 2023-07
      const b = dibaoHh([58, 55]);
      const yb = P[plainHh([36], nextVillage()).members[0]];
      const from = firstDayOfMonth(12);
      pay.ov(b.head).account = [{ fromM: 12, account: yb.account, name: yb.name }];
      pay.ov(b.head).tags = [{ key: truth.tallied('account_name_mismatch', P[b.head].id, '低保金 paid into a stranger account from 2023-07'), from, nameDiffers: true }];
      // (c) disability subsidy into a stranger's account
      const cc = P[plainHh([45], nextVillage()).members[0]];
      const yc = P[plainHh([39], nextVillage()).members[0]];
      const oc = pay.ov(cc.idx);
      oc.noAuto = true;
      oc.extra = [{ type: SUB.DIS_LIVING, fromM: 0, toM: MONTHS - 1, cents: 9000 }];
      oc.account = [{ fromM: 0, account: yc.account, name: yc.name }];
      oc.tags = [{ key: truth.tallied('account_name_mismatch', cc.id, "残疾人生活补贴 paid into another person's account"), nameDiffers: true }];
      // look-alikes: the holder's name written with an inner space / ideographic space / another middle dot
      const s1 = P[plainHh([68], nextVillage()).members[0]];
      pay.ov(s1.idx).nameForm = s1.name[0] + ' ' + s1.name.slice(1);
      const s2 = P[plainHh([70], nextVillage()).members[0]];
      pay.ov(s2.idx).nameForm = s2.name[0] + '\u3000' + s2.name.slice(1);
      const s3 = P[plainHh([65], nextVillage()).members[0]];
      s3.name = MINORITY_NAMES[k % MINORITY_NAMES.length] + (k >= MINORITY_NAMES.length ? '江' : '');
      pay.ov(s3.idx).nameForm = s3.name.replace('·', '•');
      if (k === 0) lookalikes.push('account_name_mismatch: account names "王 芳", "王\\u3000芳", "阿依古丽•买买提" that normalize to the recipient name');
    }
    // ---------------- invalid_id ----------------
    {
      const gh = c.addHousehold(nextVillage(), [{ age: 65, male: true, rel: '户主' }, { age: 63, male: false, rel: '户主' }, { age: 66, male: true, rel: '户主' }], F.PLANT | F.GHOST);
      const [g1, g2, g3] = gh.members.map((i) => P[i]);
      for (const g of [g1, g2, g3]) g.flags |= F.GHOST;
      // (a) wrong check digit
      const good = g1.id;
      g1.id = good.slice(0, 17) + (good[17] === '0' ? '1' : good[17] === 'X' ? '2' : good[17] === '1' ? '2' : '0');
      if (idCheckDigit(g1.id.slice(0, 17)) === g1.id[17]) throw new Error('check digit plant is valid');
      // (b) valid id not in the person table (g2 keeps its valid id; GHOST households are not written to 户籍)
      // (c) impossible birth date 1958-02-30 with a correct check digit
      const id17 = g3.id.slice(0, 6) + '19580230' + g3.id.slice(14, 17);
      g3.id = id17 + idCheckDigit(id17);
      for (const [g, type, cents, note] of [
        [g1, SUB.PENSION, 0, 'check digit wrong'],
        [g2, SUB.PENSION, 0, 'valid id, not in the person table'],
        [g3, SUB.DIS_LIVING, 9000, 'birth date 1958-02-30 impossible'],
      ] as const) {
        const o = pay.ov(g.idx);
        o.noAuto = true;
        o.extra = [];
        for (let m = 0; m < MONTHS; m++) o.extra.push({ type, fromM: m, toM: m, cents: cents || pensionOf(m) });
        o.tags = [{ key: truth.tallied('invalid_id', g.id.toUpperCase(), note) }];
      }
    }
    // ---------------- grain_area_excess ----------------
    {
      const grainLead = (plots: number[], claim: Partial<Record<GrainYear, number>>, note: string) => {
        const h = plainHh([55, 53], nextVillage(rural.length ? rural : all));
        const p = h.members[0];
        for (const a of plots) c.addLand(p, a);
        const total = plots.reduce((s, x) => s + x, 0);
        pay.ov(p).grainClaim = claim;
        let cents = 0;
        for (const y of Object.keys(claim) as unknown as GrainYear[]) {
          const cl = claim[y]!;
          if (cl > total * 1.05) cents += ((cl - total) * GRAIN[y].rate) / 10;
        }
        truth.fixed('grain_area_excess', P[p].id, cents, note);
      };
      grainLead([50, 36], { 2023: 120, 2024: 86 }, 'contracted 8.6 mu, claimed 12.0 in 2023: 3.4 × 125.00');
      grainLead([150], { 2023: 150, 2024: 200 }, 'contracted 15.0 mu, claimed 20.0 in 2024: 5.0 × 126.00');
      grainLead([30], { 2023: 65, 2024: 30 }, 'contracted 3.0 mu, claimed 6.5 in 2023: 3.5 × 125.00');
      // look-alikes: 4% over (within 5%), and a claimant with no land record
      const l = plainHh([60], nextVillage(rural.length ? rural : all));
      c.addLand(l.members[0], 60);
      c.addLand(l.members[0], 40);
      pay.ov(l.members[0]).grainClaim = { 2023: 104, 2024: 104 };
      const nl = plainHh([52], nextVillage(rural.length ? rural : all));
      grainExtra.push({ p: nl.members[0], year: 2023, area10: 60 });
      if (k === 0) lookalikes.push('grain_area_excess: claim 10.4 vs 10.0 contracted (4%); claimant with no land record');
    }
    // ---------------- age_ineligible ----------------
    {
      const gl = (m: number) => ({ type: SUB.GAOLING, fromM: m, toM: m, cents: 5000 });
      // (a) 75-year-old receives 高龄津贴 for the whole period
      const a = P[plainHh([75], nextVillage()).members[0]];
      pay.ov(a.idx).extra = Array.from({ length: MONTHS }, (_, m) => gl(m));
      pay.ov(a.idx).tags = [{ key: truth.tallied('age_ineligible', a.id, '75 years old, 高龄津贴 for 30 months'), types: [SUB.GAOLING], to: birthday(a.birth, 80) - 1 }];
      // (b) turns 80 on 2023-09-12 but paid from 2023-06: three early payments
      const bh = c.addHousehold(nextVillage(), [{ birth: day(1943, 9, 12), male: false, rel: '户主' }], F.PLANT);
      const b = P[bh.members[0]];
      pay.ov(b.idx).extra = [gl(11), gl(12), gl(13)];
      pay.ov(b.idx).tags = [{ key: truth.tallied('age_ineligible', b.id, 'paid 高龄津贴 2023-06..08, turned 80 on 2023-09-12'), types: [SUB.GAOLING], to: birthday(b.birth, 80) - 1 }];
      // (c) 70-year-old paid from 2024-01
      const cc = P[plainHh([70], nextVillage()).members[0]];
      pay.ov(cc.idx).extra = Array.from({ length: 12 }, (_, i) => gl(18 + i));
      pay.ov(cc.idx).tags = [{ key: truth.tallied('age_ineligible', cc.id, '70 years old, 高龄津贴 from 2024-01'), types: [SUB.GAOLING], to: birthday(cc.birth, 80) - 1 }];
      // look-alike: first payment exactly on the 80th birthday (2023-10-20)
      c.addHousehold(nextVillage(), [{ birth: day(1943, 10, 20), male: true, rel: '户主' }], F.PLANT);
      if (k === 0) lookalikes.push('age_ineligible: first 高龄津贴 paid on the exact 80th birthday (2023-10-20)');
    }
  }
  void REF_DAY;
  void dataStart;
  void urban;
  return { grainExtra, lookalikes };
}

const MINORITY_NAMES = ['阿依古丽·买买提', '买买提·艾力', '热依拉·吐尔逊', '古丽娜·阿不都', '艾尔肯·司马义', '帕提古丽·阿木提', '努尔兰·叶尔肯', '迪丽娜·吾守尔', '阿力木·热合曼', '再努尔·沙比尔', '吐尔洪·卡德尔', '米热古丽·艾买提'];

function pensionOf(m: number): number {
  // same schedule as payouts.pensionCents (kept local to avoid a cycle in imports of tests)
  const y = Math.floor((2022 * 12 + 6 + m) / 12);
  return y === 2022 ? 16800 : y === 2023 ? 18300 : 20300;
}
