-- The resolved state and history replace what the inventory use cases' initiatives rows
-- and stage entries held: the inventories are authoritative for the use cases they name.
update initiatives as i
set
    name = s.name,
    business_unit = s.business_unit,
    program_owner = s.program_owner,
    risk_tier = s.risk_tier,
    started_on = s.started_on,
    stage = s.stage,
    stage_entered_on = s.stage_entered_on,
    status = s.status,
    description = s.description
from inventory_state as s
where i.initiative_id = s.initiative_id;

delete from stage_entries
where initiative_id in (select initiative_id from inventory_state);

insert into stage_entries
select
    initiative_id,
    stage,
    entered_on,
    case when is_estimated then 'estimated' else 'inventory' end
from inventory_entries
