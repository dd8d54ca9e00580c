-- The initiatives of S with the attributes the roadmap needs, by id.
-- Parameters in order: the ids of S.
select initiative_id, name, business_unit, status, strategic_impact, target_users,
       executive_sponsor, program_owner, risk_tier
from initiatives
where list_contains(?, initiative_id)
order by initiative_id
