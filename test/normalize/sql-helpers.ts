/** Shared by the normalize tests: run a list of inputs through the SQL macros in one query. */
import { Db } from '../../src/db/connection.js';
import { quoteLiteral } from '../../src/db/quote.js';
import { installMacros } from '../../src/normalize/macros.js';

export interface SqlRow {
  i: number;
  blank: boolean;
  hw: string | null;
  norm_id: string | null;
  id_form: string | null;
  id_masked: boolean;
  id_valid: boolean;
  id_birth: string | null;
  id_sex: string | null;
  name: string | null;
  date: string | null;
  open: boolean;
  money: string | null;
  number: number | null;
  account: string | null;
  period: string | null;
  month: string | null;
}

export async function openMacroDb(): Promise<Db> {
  const db = await Db.open(':memory:', { threads: 1 });
  await installMacros(db);
  return db;
}

/** Every macro applied to every input (ids: xc_id_* on xc_norm_id of the input). Rows in input order. */
export async function runMacros(db: Db, inputs: (string | null)[]): Promise<SqlRow[]> {
  const values = inputs.map((s, i) => `(${i}, ${s == null ? 'NULL::VARCHAR' : quoteLiteral(s)})`).join(',\n');
  return db.all<SqlRow>(
    `with t(i, s) as (values ${values}),
          n as (select i, s, xc_norm_id(s) as id from t)
     select i, xc_is_blank(s) as blank, xc_halfwidth(s) as hw, id as norm_id, xc_id_form(s) as id_form,
            xc_id_masked(s) as id_masked, xc_id_valid(id) as id_valid,
            xc_id_birth(id) as id_birth, xc_id_sex(id) as id_sex, xc_norm_name(s) as name,
            xc_parse_date(s) as date, xc_is_open_date(s) as open, xc_parse_money(s) as money,
            xc_parse_number(s) as number, xc_norm_account(s) as account, xc_norm_period(s) as period,
            xc_parse_month(s) as month
     from n order by i`,
  );
}
