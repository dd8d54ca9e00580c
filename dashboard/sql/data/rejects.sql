-- Rejected rows with their reasons, newest load first.
-- Parameters in order: the most rows to return.
select load_id, source_file, entity, row_number, column_name, value, reason
from rejects
order by load_id desc, source_file, row_number
limit ?
