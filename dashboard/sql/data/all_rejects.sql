-- Every rejected row with its reason, newest load first (the CSV export).
select load_id, source_file, entity, row_number, column_name, value, reason
from rejects
order by load_id desc, source_file, row_number
