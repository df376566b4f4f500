/**
 * Writes the welfare-side tables (person, dibao, property, vehicle, employee, cadre, death, business, land,
 * relation, kin_filing) in their messy source forms and returns the pipeline sources for them.
 */
import { join } from 'node:path';
import { F, REF_DAY, type County } from './county.js';
import { Rng, fmtDate, fullWidth, yuan, yuanComma } from './random.js';
import { CsvWriter, XlsxWriter } from './writers.js';

export interface SourceEntry {
  table: string;
  path: string;
  encoding?: string;
  header_row?: number;
}

export async function writeWelfareTables(c: County, outDir: string, seed: number, progress: (s: string) => void): Promise<SourceEntry[]> {
  const P = c.persons;
  const H = c.households;
  const rng = Rng.derive(seed, 'tables');
  const out: SourceEntry[] = [];
  const loc = (pi: number) => {
    const v = c.villages[H[P[pi].hh].village];
    return { town: c.towns[v.town].name, village: v.name };
  };

  // ---- person 户籍 (GB18030 CSV, title rows, some 15-digit legacy ids for people born before 1945) ----
  {
    const rel = '户籍人口信息.csv';
    const w = new CsvWriter(join(outDir, rel), 'gb18030');
    w.line('滨海县户籍人口信息（截至2024年12月31日）');
    w.line('数据来源：县公安局户政科');
    w.row(['公民身份号码', '姓名', '性别', '出生日期', '户号', '与户主关系', '住址', '乡镇(街道)', '村(社区)']);
    let n = 0;
    for (const h of H) {
      if (h.flags & F.GHOST) continue;
      const v = c.villages[h.village];
      for (const pi of h.members) {
        const p = P[pi];
        let id = p.id;
        if (p.birth < -9131 /* 1945-01-01 */ && pi % 3 === 0) id = id.slice(0, 6) + id.slice(8, 17);
        w.row([id, p.name, p.male ? '男' : '女', fmtDate(p.birth, 'iso'), h.hid, p.rel, h.address, c.towns[v.town].name, v.name]);
        n++;
      }
    }
    w.row(['合计', `${n}人`, '', '', '', '', '', '', '']);
    w.close();
    out.push({ table: 'person', path: rel });
    progress(`person: ${n} rows`);
  }

  // ---- dibao roster (XLSX, date cells, 合计 row) ----
  {
    const rel = '低保特困对象花名册.xlsx';
    const w = new XlsxWriter(join(outDir, rel), '花名册');
    w.line('滨海县城乡低保（特困）对象花名册', 'N');
    w.line('制表单位：滨海县民政局　　　　　截至2024年12月31日');
    w.row(['序号', '乡镇', '村居', '户号', '户主姓名', '户主身份证号', '成员姓名', '成员身份证号', '与户主关系', '保障类别', '月保障金', '纳入时间', '退出时间', '备注']);
    let n = 0;
    let total = 0;
    const cases = [...c.dibao].sort((a, b) => a.hh - b.hh);
    for (const dc of cases) {
      const h = H[dc.hh];
      const v = c.villages[h.village];
      const head = P[dc.headIdx];
      for (const pi of dc.roster) {
        const p = P[pi];
        const cents = dc.memberCents.get(pi)!;
        total += cents;
        n++;
        const id = rng.chance(0.005) ? fullWidth(p.id) : p.id;
        await w.add([
          n, c.towns[v.town].name, v.name, h.hid, head.name, head.id, p.name, id, pi === dc.headIdx ? '户主' : p.rel, dc.category, cents / 100,
          { date: dc.start }, dc.end ? { date: dc.end } : null, '',
        ]);
      }
    }
    w.row(['合计', '', '', '', '', '', `${n}人`, '', '', '', total / 100, null, null, '']);
    await w.close();
    out.push({ table: 'dibao', path: rel });
    progress(`dibao: ${n} rows`);
  }

  // ---- property (XLSX, text dates like 2015年3月5日) ----
  {
    const rel = '不动产登记信息.xlsx';
    const w = new XlsxWriter(join(outDir, rel), 'Sheet1');
    w.line('滨海县不动产登记信息查询结果');
    w.row(['权利人', '权利人证件号', '不动产权证号', '坐落', '规划用途', '建筑面积', '登簿日期']);
    for (const r of c.properties) await w.add([P[r.p].name, P[r.p].id, r.cert, r.address, r.usage, r.area, fmtDate(r.reg, 'cn')]);
    await w.close();
    out.push({ table: 'property', path: rel });
  }

  // ---- vehicles: urban owners → CSV (UTF-8, no BOM, slash dates); the rest → XLSX with header on row 3 ----
  {
    const relA = '机动车登记_城区.csv';
    const relB = '机动车登记_乡镇.xlsx';
    const a = new CsvWriter(join(outDir, relA), 'utf8');
    a.row(['所有人', '所有人证件号码', '号牌号码', '车辆类型', '品牌型号', '初次登记日期', '机动车状态', '注销日期']);
    const b = new XlsxWriter(join(outDir, relB), '车辆');
    b.line('滨海县乡镇机动车登记信息');
    b.line('导出时间：2025年1月3日');
    b.row(['车主', '车主身份证号', '车牌号', '车辆类型', '品牌型号', '注册日期', '状态', '注销日期']);
    for (const r of c.vehicles) {
      const p = P[r.p];
      const rural = c.villages[H[p.hh].village].rural;
      if (!rural) a.row([p.name, p.id, r.plate, r.type, r.brand, fmtDate(r.reg, 'slash'), r.status, r.dereg ? fmtDate(r.dereg, 'slash') : '']);
      else await b.add([p.name, p.id, r.plate, r.type, r.brand, { date: r.reg }, r.status, r.dereg ? { date: r.dereg } : null]);
    }
    a.close();
    await b.close();
    out.push({ table: 'vehicle', path: relA }, { table: 'vehicle', path: relB, header_row: 3 });
  }

  // ---- payroll (UTF-8 BOM CSV, compact dates) ----
  {
    const rel = '财政供养人员名单.csv';
    const w = new CsvWriter(join(outDir, rel), 'utf8bom');
    w.line('滨海县财政供养人员信息表');
    w.row(['序号', '姓名', '身份证号码', '工作单位', '岗位', '入职日期', '离职日期']);
    let n = 0;
    for (const e of c.employees) {
      const p = P[e.p];
      w.row([++n, p.name, p.id, e.employer, e.position, fmtDate(e.start, 'compact'), e.end ? fmtDate(e.end, 'compact') : '']);
    }
    w.close();
    out.push({ table: 'employee', path: rel });
  }

  // ---- cadres (XLSX, date cells) ----
  {
    const rel = '村社区干部花名册.xlsx';
    const w = new XlsxWriter(join(outDir, rel), '干部');
    w.line('滨海县村（社区）“两委”成员花名册', 'H');
    w.row(['乡镇', '村(社区)', '姓名', '身份证号', '职务', '任职时间', '离任时间', '家庭住址']);
    const list = [...c.cadres].sort((x, y) => x.village - y.village || x.p - y.p);
    for (const cd of list) {
      const v = c.villages[cd.village];
      const p = P[cd.p];
      await w.add([c.towns[v.town].name, v.name, p.name, p.id, cd.position, { date: cd.termStart }, cd.termEnd ? { date: cd.termEnd } : null, H[p.hh].address]);
    }
    await w.close();
    out.push({ table: 'cadre', path: rel });
  }

  // ---- deaths (GB18030 CSV, dotted dates) ----
  {
    const rel = '殡葬火化信息.csv';
    const w = new CsvWriter(join(outDir, rel), 'gb18030');
    w.line('滨海县殡仪馆火化信息登记表');
    w.row(['死者姓名', '死者身份证号', '性别', '火化日期', '殡仪馆']);
    const dead = P.filter((p) => p.death && p.death <= REF_DAY && !(p.flags & F.GHOST)).sort((a, b) => a.death - b.death || a.idx - b.idx);
    for (const p of dead) w.row([p.name, p.id, p.male ? '男' : '女', fmtDate(p.death, 'dot'), '滨海县殡仪馆']);
    w.row(['合计', `${dead.length}人`, '', '', '']);
    w.close();
    out.push({ table: 'death', path: rel });
    progress(`death: ${dead.length} rows`);
  }

  // ---- business (UTF-8 CSV, money with thousands separators) ----
  {
    const rel = '市场主体登记信息.csv';
    const w = new CsvWriter(join(outDir, rel), 'utf8');
    w.row(['企业名称', '统一社会信用代码', '人员姓名', '证件号码', '人员类型', '成立日期', '注册资本', '登记状态', '注销日期']);
    for (const b of c.businesses) {
      const p = P[b.p];
      w.row([b.company, b.credit, p.name, p.id, b.role, fmtDate(b.reg, 'iso'), yuanComma(b.capitalCents), b.status, b.dereg ? fmtDate(b.dereg, 'iso') : '']);
    }
    w.close();
    out.push({ table: 'business', path: rel });
  }

  // ---- land contracts (GB18030 CSV) ----
  {
    const rel = '承包地确权登记.csv';
    const w = new CsvWriter(join(outDir, rel), 'gb18030');
    w.line('滨海县农村土地承包经营权确权登记台账');
    w.row(['乡镇', '村', '承包方代表', '承包方代表证件号', '户号', '地块编码', '确权面积']);
    let total = 0;
    for (const l of c.land) {
      const { town, village } = loc(l.p);
      total += l.area10;
      w.row([town, village, P[l.p].name, P[l.p].id, H[l.hh].hid, l.plot, (l.area10 / 10).toFixed(1)]);
    }
    w.row(['合计', '', '', '', '', '', (total / 10).toFixed(1)]);
    w.close();
    out.push({ table: 'land', path: rel });
  }

  // ---- relation (cadres' declared relatives) and kin_filing ----
  {
    const rel = '村干部亲属关系.csv';
    const w = new CsvWriter(join(outDir, rel), 'utf8');
    w.row(['干部姓名', '身份证号A', '亲属姓名', '身份证号B', '关系']);
    for (const r of c.relations) w.row([P[r.a].name, P[r.a].id, P[r.b].name, P[r.b].id, r.rel]);
    w.close();
    out.push({ table: 'relation', path: rel });
    const rel2 = '村干部近亲属享受低保备案表.csv';
    const w2 = new CsvWriter(join(outDir, rel2), 'utf8bom');
    w2.line('村（社区）干部近亲属享受低保备案登记表');
    w2.row(['备案人员姓名', '备案人员身份证号', '干部姓名', '干部身份证号', '与干部关系', '备案日期']);
    for (const k of c.kinFilings) w2.row([P[k.p].name, P[k.p].id, P[k.cadre].name, P[k.cadre].id, k.rel, fmtDate(k.date, 'cn')]);
    w2.close();
    out.push({ table: 'kin_filing', path: rel2 });
  }
  void yuan;
  return out;
}
