-- Every load, newest first, with its row counts and the files it read.
select l.load_id, l.started_at, l.finished_at, l.status, l.rows_read, l.rows_loaded,
       l.rows_rejected, l.rows_skipped, string_agg(f.path, ', ' order by f.path) as files
from loads as l left join load_files as f using (load_id)
group by all
order by l.load_id desc
