-- active_users(i, m) and eligible_users(i, m) of the adoption rows, and of the stored
-- report figures (adoption_reports: the Microsoft 365 Copilot reports, each kept with its
-- kind and period) where no adoption row exists. A month's report figure is, in this order
-- of precedence, whatever the order the reports were loaded in:
--   1. the user-count summary with the longest period up to 30 days (D30, D28, then D7),
--      of its latest refresh date in the month;
--   2. else the trend report's highest daily active count in the month, with the enabled
--      users of its latest report date;
--   3. else the per-user report of the latest refresh date in the month.
-- Summaries of longer periods (D90, D180) count no month's users and are not used.
create or replace view stg_adoption as
with ranked as (
    select
        initiative_id, month, report_kind, period_days, report_date, active_users,
        eligible_users,
        case
            when report_kind = 'summary' and period_days between 1 and 30 then 100 - period_days
            when report_kind = 'trend' then 200
            when report_kind = 'user_detail' then 300
        end as precedence
    from adoption_reports
),

per_report as (
    select
        initiative_id,
        month,
        precedence,
        case
            when min(report_kind) = 'trend' then max(active_users)
            else arg_max(active_users, report_date)
        end as active_users,
        arg_max(eligible_users, report_date) as eligible_users
    from ranked
    where precedence is not null
    group by initiative_id, month, precedence
),

reported as (
    select initiative_id, month, arg_min(active_users, precedence) as active_users,
        arg_min(eligible_users, precedence) as eligible_users
    from per_report
    group by initiative_id, month
),

final as (
    select initiative_id, month, active_users, eligible_users from adoption
    union all
    select r.initiative_id, r.month, r.active_users, r.eligible_users
    from reported as r
    anti join adoption as a on a.initiative_id = r.initiative_id and a.month = r.month
)

select * from final
