-- Per adapter load and file: which source values mapped to which stage or category, and
-- which did not (mapped_to null), newest load first.
-- Parameters in order: the most rows to return.
select load_id, source_file, adapter, source_column, source_value, mapped_to, rows
from adapter_mappings
order by load_id desc, source_file, source_column, mapped_to nulls first, source_value
limit ?
