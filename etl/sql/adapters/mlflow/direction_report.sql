-- What each metric's higher_is_better came from (`true (default)`: no row of the map).
with final as (
    select
        _raw_metric as metric,
        case when _default_direction then 'true (default)' else _raw_higher_is_better end
            as direction,
        sum(_weight)::bigint as row_count
    from {prefix}_metrics
    group by all
)

select * from final
order by metric
