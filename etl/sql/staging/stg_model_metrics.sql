-- Model measurements (one per initiative, model, metric and day: the contract's key).
create or replace view stg_model_metrics as
select initiative_id, model, metric, measured_on, value, baseline, higher_is_better
from model_metrics
