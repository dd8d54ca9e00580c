-- Readiness assessments: the latest score of a dimension on or before a date is its score
-- then (one assessment per initiative, dimension and day: the contract's key).
create or replace view stg_readiness as
select initiative_id, dimension, score, assessed_on
from readiness
