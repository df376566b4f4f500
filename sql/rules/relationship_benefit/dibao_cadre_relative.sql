/*---
id: dibao_cadre_relative
name: 村(社区)干部本人或近亲属享受低保
category: relationship_benefit
severity: high
tables: [dibao, cadre]
optional_tables: [person, relation, kin_filing, subsidy]
method: >-
  低保成员在村(社区)干部任期内、在同一村(社区)享受低保，且满足以下任一关联即为线索：本人就是该村干部；在户籍人口表中与干部同户
  （同一户号，干部户内的每名低保成员各为一条线索）；在亲属关系表中与干部有关联（被关联的低保成员为线索）。提供了近亲属享受低保备案表时，
  已备案的成员不是线索。另有中等严重程度的推测变体：与干部同姓、同村且住址相同。金额为任期与低保期间交集内该低保家庭领取的低保金。
why: 村干部参与低保评议审批，本人或近亲属享受低保而未备案，是优亲厚友、关系保的典型情形。
exclusions:
  - 已在近亲属享受低保备案表中备案的成员（备案记录未写干部身份证号时对所有干部有效，写了则只对该干部有效）
  - 干部在另一村(社区)任职的亲属（同名村在不同乡镇也算另一村）
  - 低保期间与干部任期没有交集的情形
assumptions:
  - 同村：低保名册的村(社区)与干部名册的村(社区)相同（名册缺村时用户籍人口表中本人的村）；双方都有乡镇时乡镇也须相同。
  - 同户：户籍人口表中与干部户号相同的人员；户号为空不构成同户。
  - 亲属关系表中身份证号A、B任一方为干部、另一方为低保成员即构成关联，不区分关系方向和亲等。
  - 推测变体（severity 为 medium）：姓名首字相同（复姓按首字比较）、同村、且规范化后的住址相同（低保名册住址，缺失时用户籍住址；
    干部名册住址，缺失时用户籍住址）；只在该成员没有任何确定关联时输出。
  - 任期缺开始日期视为一直在任，缺结束日期视为至今在任；低保期间同上。
  - 金额：该家庭任一成员在任期与低保期间交集内（多名干部或多段取并集）的低保类补贴发放记录（补贴项目含“低保”“最低生活保障”或“特困”）之和；
    补贴表中没有该家庭任何低保发放记录时，按名册各成员月保障金 × 覆盖的自然月数估算。
variants:
  - { id: surname_address, severity: medium, description: 与村干部同姓、同村且住址相同（无户籍同户或亲属关系记录的推测关联） }
---*/
with
members as (select * from xc_dibao_members('dibao')),
heads as (select * from xc_dibao_heads('members')),
as_of as (select * from xc_dibao_as_of('subsidy', 'dibao')),
cadres as (
    select
        c.*,
        coalesce(c.term_start, xc_far_past()) as term_from,
        coalesce(c.term_end, xc_far_future()) as term_until,
        coalesce(xc_norm_address(c.address), xc_norm_address(pa.address)) as home_address
    from cadre as c
    left join (select id_number, any_value(address order by _source_file, _source_row) as address
               from person group by id_number) as pa using (id_number)
    where c.id_number is not null and xc_blank_null(c.village) is not null
),
person_village as (
    select id_number,
           any_value(village order by _source_file, _source_row) as village,
           any_value(town order by _source_file, _source_row) as town,
           any_value(address order by _source_file, _source_row) as address
    from person group by id_number
),
links as (
    -- strong links: the member is the cadre, shares the cadre's household, or is linked in the relation table
    select c.id_number as member_id, c._source_file as c_file, c._source_row as c_row, 'self' as kind,
           cast(null as varchar) as detail, cast([] as struct("table" varchar, source_file varchar, source_row integer, fields json)[]) as link_evidence
    from cadres as c
    union all
    select p2.id_number, c._source_file, c._source_row, 'household', p1.household_id,
           [xc_evidence('person', p1._source_file, p1._source_row,
                        {'id_number': p1.id_number, 'name': p1.name, 'household_id': p1.household_id, 'relation': p1.relation}),
            xc_evidence('person', p2._source_file, p2._source_row,
                        {'id_number': p2.id_number, 'name': p2.name, 'household_id': p2.household_id, 'relation': p2.relation})]
    from cadres as c
    join person as p1 on p1.id_number = c.id_number
    join person as p2 on p2.household_id = p1.household_id and p2.id_number <> c.id_number
    where xc_blank_null(p1.household_id) is not null
    union all
    select r.other_id, c._source_file, c._source_row, 'relation', r.relation,
           [xc_evidence('relation', r._source_file, r._source_row,
                        {'id_number_a': r.id_number_a, 'id_number_b': r.id_number_b, 'relation': r.relation})]
    from (select *, id_number_a as cadre_side, id_number_b as other_id from relation
          union all
          select *, id_number_b, id_number_a from relation) as r
    join cadres as c on c.id_number = r.cadre_side
    where r.id_number_a <> r.id_number_b
),
member_places as (
    select m.*,
           coalesce(xc_blank_null(m.village), pv.village) as m_village,
           coalesce(xc_blank_null(m.town), pv.town) as m_town,
           coalesce(xc_norm_address(m.address), xc_norm_address(pv.address)) as m_address
    from members as m
    left join person_village as pv using (id_number)
),
heuristic_links as (
    select m.id_number as member_id, c._source_file as c_file, c._source_row as c_row, 'surname_address' as kind,
           m.m_address as detail, cast([] as struct("table" varchar, source_file varchar, source_row integer, fields json)[]) as link_evidence
    from member_places as m
    join cadres as c
      on xc_surname(m.name) = xc_surname(c.name)
     and m.m_address = c.home_address
     and m.id_number <> c.id_number
),
all_hits as (
    select
        m.id_number as subject_key,
        m.household_key,
        greatest(m.dibao_start, c.term_from) as win_start,
        least(m.dibao_end, c.term_until) as win_end,
        l.kind, l.detail, l.link_evidence,
        c.id_number as cadre_id, c.name as cadre_name, c.town as cadre_town, c.village as cadre_village,
        c.position as cadre_position, c.term_start, c.term_end,
        m._source_file as m_file, m._source_row as m_row,
        c._source_file as c_file, c._source_row as c_row
    from (select * from links union all select * from heuristic_links) as l
    join member_places as m on m.id_number = l.member_id
    join cadres as c on c._source_file = l.c_file and c._source_row = l.c_row
    where m.m_village = c.village
      and (m.m_town is null or xc_blank_null(c.town) is null or m.m_town = c.town)
      and c.term_from <= m.dibao_end
      and c.term_until >= m.dibao_start
      and not exists (
          select 1 from kin_filing as f
          where f.id_number = m.id_number and (f.cadre_id_number is null or f.cadre_id_number = c.id_number))
),
strong as (
    select distinct subject_key from all_hits where kind <> 'surname_address'
),
hits as (
    select * from all_hits
    where kind <> 'surname_address' or subject_key not in (select subject_key from strong)
),
-- dibao money paid to the household while the condition held (sql/macros/welfare_dibao.sql)
money as (select * from xc_dibao_money('hits', 'members', 'subsidy', 'as_of')),
subjects as (select * from xc_dibao_subjects('hits', 'members', 'heads')),
link_phrases as (
    select
        subject_key,
        string_agg(distinct phrase, '；' order by phrase) as phrase,
        bool_and(kind = 'surname_address') as heuristic_only
    from (
        select
            subject_key, kind,
            case when kind = 'self' then '本人即为' || coalesce(cadre_town, '') || cadre_village || '的村(社区)干部（'
                                         || coalesce(xc_blank_null(cadre_position) || '，', '') || '任期' || xc_fmt_span(term_start, term_end) || '）'
                 else '与' || coalesce(cadre_town, '') || cadre_village || '的村(社区)干部' || coalesce(cadre_name, cadre_id) || '（'
                      || coalesce(xc_blank_null(cadre_position) || '，', '') || '任期' || xc_fmt_span(term_start, term_end) || '）'
                      || case kind when 'household' then '同户（户号' || detail || '）'
                                   when 'relation' then '存在亲属关系（' || coalesce(xc_blank_null(detail), '关系不详') || '）'
                                   else '同姓、同村且住址相同（' || detail || '），疑似近亲属' end
            end as phrase
        from hits
    )
    group by subject_key
),
link_items as (
    select distinct subject_key, unnest(link_evidence) as item from hits
    union
    select distinct h.subject_key,
           xc_evidence('cadre', c._source_file, c._source_row,
                       {'id_number': c.id_number, 'name': c.name, 'town': c.town, 'village': c.village,
                        'position': c.position, 'term_start': c.term_start, 'term_end': c.term_end, 'address': c.address})
    from hits as h join cadre as c on c._source_file = h.c_file and c._source_row = h.c_row
),
link_evidence as (
    select subject_key, list(item order by item."table", item.source_file, item.source_row) as evidence
    from link_items group by subject_key
),
spans as (select * from xc_dibao_spans('hits')),
filing_given as (
    select exists (select 1 from kin_filing) as given
),
findings as (
    select
        s.subject_key,
        s.name as subject_name,
        s.household_key,
        s.town,
        s.village,
        case when mo.from_payments then coalesce(mo.paid_amount, 0) else coalesce(mo.estimated_amount, 0) end as amount,
        sp.period_start,
        sp.period_end,
        '低保对象' || coalesce(s.name, s.subject_key) || s.head_phrase || lp.phrase
            || case when (select given from filing_given) then '，未见近亲属享受低保备案' else '' end
            || case when mo.from_payments
                    then '，其间家庭领取低保金' || xc_fmt_money(coalesce(mo.paid_amount, 0)) || '元。'
                    when coalesce(mo.estimated_amount, 0) = 0 then '，未查到该家庭其间的低保金发放记录。'
                    else '，其间家庭按月保障金估算领取低保金' || xc_fmt_money(coalesce(mo.estimated_amount, 0)) || '元。' end
            as description,
        list_concat(s.evidence, le.evidence, coalesce(mo.evidence, [])) as evidence,
        case when lp.heuristic_only then 'medium' end as severity
    from subjects as s
    join link_phrases as lp using (subject_key)
    join link_evidence as le using (subject_key)
    join spans as sp using (subject_key)
    join money as mo using (subject_key)
)
select * from findings
