-- One row: the spend of cost exports that no initiative claims in the window (no
-- initiative filter applies to it), and all AI spend in the window (that plus the cost of
-- every initiative).
-- Parameters in order: window_from, window_to, window_from, window_to.
with unallocated as (
    select coalesce(sum(amount_rc), 0) as cost_rc
    from mart_unallocated_spend where month between ? and ?
),

allocated as (
    select coalesce(sum(cost_rc), 0) as cost_rc
    from mart_initiative_month where month between ? and ?
),

final as (
    select u.cost_rc as unallocated_rc, u.cost_rc + a.cost_rc as all_spend_rc
    from unallocated as u, allocated as a
)

select * from final
