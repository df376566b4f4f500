/*---
id: age_ineligible
name: 高龄津贴对象年龄不符
category: phantom_claim
severity: medium
tables: [subsidy]
optional_tables: [person]
params:
  min_age: { type: integer, default: 80, min: 0, max: 150, description: 领取高龄津贴的最低周岁年龄（发放日当天已满该周岁即符合） }
  types: { type: string_list, default: [高龄], description: 视为高龄津贴的补贴项目关键词（补贴项目包含其中任一词即是） }
method: >-
  补贴项目为高龄津贴（含“高龄”）的发放记录，按身份证号推算的出生日期计算发放日当天的周岁年龄，未满 min_age 周岁的，
  按身份证号汇总为一条线索；金额为这些发放记录之和。
why: 未达年龄领取高龄津贴，可能是虚报年龄、冒用他人身份或审核把关不严。
exclusions:
  - 发放日当天已满 min_age 周岁（含生日当天）的发放
  - 身份证号无法推算出生日期的记录（由 invalid_id 规则处理）
assumptions:
  - 出生日期取补贴表导入时由身份证号推算的出生日期，缺失时取户籍人口表同一身份证号的出生日期。
  - 周岁按生日计算：生日当天满岁；2月29日出生的人在平年3月1日满岁。
---*/
with
person_birth as (
    select id_number, min(birth_date) as birth_date from person where birth_date is not null group by id_number
),
payments as (
    select s.*, coalesce(s.birth_date, pb.birth_date) as born
    from subsidy as s
    left join person_birth as pb using (id_number)
    where s.id_number is not null
      and len(list_filter($types, t -> contains(coalesce(s.subsidy_type, ''), t))) > 0
),
too_young as (
    select *, xc_age_on(born, pay_date) as age
    from payments
    where born is not null and xc_age_on(born, pay_date) < $min_age
),
findings as (
    select
        id_number as subject_key,
        any_value(name order by _source_file, _source_row) as subject_name,
        any_value(household_id order by _source_file, _source_row) as household_key,
        any_value(town order by _source_file, _source_row) as town,
        any_value(village order by _source_file, _source_row) as village,
        sum(amount) as amount,
        min(pay_date) as period_start,
        max(pay_date) as period_end,
        coalesce(any_value(name order by _source_file, _source_row), id_number) || '（' || xc_fmt_date(any_value(born)) || '出生）'
            || '在' || xc_fmt_date(min(pay_date)) || '至' || xc_fmt_date(max(pay_date)) || '领取高龄津贴' || count(*) || '笔，共'
            || xc_fmt_money(sum(amount)) || '元，发放时' || min(age) || '至' || max(age) || '周岁，未满' || $min_age || '周岁。'
            as description,
        list(xc_evidence('subsidy', _source_file, _source_row,
                         {'id_number': id_number, 'name': name, 'birth_date': born, 'subsidy_type': subsidy_type,
                          'amount': amount, 'pay_date': pay_date})
             order by _source_file, _source_row) as evidence
    from too_young
    group by id_number
)
select * from findings
