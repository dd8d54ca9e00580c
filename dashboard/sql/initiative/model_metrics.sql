-- Every measurement of one initiative's models on or before a date.
-- Parameters in order: initiative_id, until.
select model, metric, measured_on, value, baseline, higher_is_better
from model_metrics
where initiative_id = ? and measured_on <= ?
order by model, metric, measured_on
