-- The agency values the agency map changed, and what to.
with final as (
    select agency_value, agency, sum(copies) as row_count
    from {prefix}_rows
    where agency is distinct from agency_value
    group by all
)

select * from final
order by agency_value
