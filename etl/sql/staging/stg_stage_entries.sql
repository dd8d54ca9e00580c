-- The stage history that stage(i, d) reads, each entry with its stage's rank
-- (1 Experimentation ... 4 Enterprise Transformation).
create or replace view stg_stage_entries as
select e.initiative_id, e.stage, o.stage_rank, e.entered_on
from stage_entries as e
left join stage_order as o using (stage)
