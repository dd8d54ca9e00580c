-- The use cases without a stage: blank, not in the stage map, or mapped to no stage (a
-- record with exact copies in the file stands for them all: `_weight`).
create or replace temp table {prefix}_rejects as
with final as (
    select
        _source_row,
        $column as column_name,
        stage_value as value,
        case
            when stage_value is null then 'no stage'
            when not is_mapped
                then 'stage value ' || stage_value || ' is not in the mapping ' || $file
            else 'the mapping ' || $file || ' gives stage value ' || stage_value || ' no stage'
        end as reason,
        copies as _weight
    from {prefix}_rows
    where mapped_stage is null
)

select * from final
