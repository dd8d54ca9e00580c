-- The points that cannot load, and the runs that logged no metric at all (numbered after
-- the points).
create or replace temp table {prefix}_rejects as
with bad_points as (
    select
        _source_row, problem[1] as column_name, problem[2] as value, problem[3] as reason,
        1 as _weight
    from {prefix}_points
    where problem is not null
),

empty_runs as (
    select
        (select count(*) from {prefix}_points) + row_number() over (order by run_no)
            as _source_row,
        'metrics' as column_name, run_id as value,
        case when version is null then 'run ' || coalesce(run_id, '?') || ' logged no metrics'
            else 'model version ' || version || ' (run ' || coalesce(run_id, '?')
                || ') carries no metrics in this export; load its run.json'
        end as reason,
        1 as _weight
    from {prefix}_runs as r
    where not exists (select 1 from {prefix}_points as p where p.run_no = r.run_no)
),

final as (
    select * from bad_points
    union all
    select * from empty_runs
)

select * from final
