/*---
id: payroll_deceased
name: 死亡后仍发放工资
category: payroll
severity: high
tables: [payroll, death]
params:
  grace_days: { type: integer, default: 31, min: 0, description: 工资月份的第一天晚于死亡日期超过（>）该天数才计入，死亡当月及紧接的月份不计 }
method: >-
  以身份证号关联工资发放明细与死亡（火化）记录：工资月份的第一天晚于死亡日期 grace_days 天以上的发放记录，按身份证号汇总为一条线索，
  金额为这些记录的实发金额（没有实发金额时为应发金额）之和。
why: 人员死亡后单位仍为其发放工资或离退休费，是“吃空饷”的典型表现；也可能是死亡信息没有传到发放单位，需核实并追回。
exclusions:
  - 死亡当月的工资（该月开始时本人在世）
  - 工资月份第一天距死亡日期不超过 grace_days 天的发放（如月底死亡后次月的工资，常为补发或停发前的最后一次）
assumptions:
  - 工资月份以其第一天计：死亡日期 2023-03-01 时 2023-04 月工资距死亡 31 天，默认不计（须超过 31 天）；2023-05 月工资计入。
  - 同一人有多条死亡（火化）记录时以最早的死亡日期为准。
  - 所有工资项目都计入，包括离退休费：离退休人员死亡后继续发放同样是吃空饷（SPEC 只在 payroll_double 中排除离退休项目）。
  - 金额逐行取实发金额，实发为空时取应发金额；两者都为空的行计 0 元，仍列入证据。
  - 线索的单位为发放这些工资的单位（多个单位以顿号连接）；期间为第一个被计入的工资月份的第一天至最后一个的最后一天。
---*/
with
died as (select * from xc_deaths('death')),
paid_after_death as (
    select p.*, d.death_date, try_strptime(p.pay_month, '%Y-%m')::date as month_start
    from payroll as p
    join died as d using (id_number)
    where try_strptime(p.pay_month, '%Y-%m')::date - d.death_date > $grace_days      -- date - date = days
),
payments as (
    select
        id_number,
        any_value(name order by _source_file, _source_row) as name,
        xc_fin_join_distinct(list(unit)) as units,
        count(distinct pay_month) as months,
        sum(coalesce(net, gross, 0)) as amount,
        min(month_start) as first_month,
        max(month_start) as last_month,
        list(xc_evidence('payroll', _source_file, _source_row,
                         {'unit': unit, 'id_number': id_number, 'name': name, 'pay_month': pay_month,
                          'gross': gross, 'net': net, 'item': item})
             order by _source_file, _source_row) as evidence
    from paid_after_death
    group by id_number
),
findings as (
    select
        p.id_number as subject_key,
        coalesce(d.name, p.name) as subject_name,
        p.units as unit,
        p.amount,
        p.first_month as period_start,
        last_day(p.last_month) as period_end,
        coalesce(d.name, p.name, p.id_number) || '于' || xc_fmt_date(d.death_date) || '死亡（火化）'
            || '，' || coalesce(p.units, '发放单位不详') || '在其死亡超过' || $grace_days || '天后仍发放'
            || strftime(p.first_month, '%Y-%m')
            || case when p.last_month > p.first_month then '至' || strftime(p.last_month, '%Y-%m') else '' end
            || '共' || p.months || '个月的工资，合计' || xc_fmt_money(p.amount) || '元。' as description,
        list_concat(d.evidence, p.evidence) as evidence
    from payments as p
    join died as d using (id_number)
)
select * from findings
