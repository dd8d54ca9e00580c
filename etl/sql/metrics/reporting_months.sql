-- Every month with data, its n(m) (initiatives reporting, whatever the filters), and whether
-- it is reported: the first month is; a later one when n(m) >= min_reporting_share x the
-- largest n of the (up to) three months with data before it. Decimal arithmetic, so a
-- share of 0.07 of 100 is exactly 7.
with compared as (
    select
        *,
        max(reporting_initiatives) over (
            order by month rows between 3 preceding and 1 preceding
        ) as recent_max_initiatives
    from mart_reporting_months
    -- months outside the plausible range (loaded before it was checked) never count
    where month between $first_month::date and $last_month::date
),

final as (
    select
        *,
        recent_max_initiatives is null
            or reporting_initiatives
            >= $min_reporting_share::decimal(18, 9) * recent_max_initiatives as is_reported
    from compared
)

select * from final order by month
