-- Date and text helpers of the inventories: a date in any of the formats the agencies
-- wrote (NULL unless between first_day, the plausible months' first, and last_day, the
-- inventory year's last; `us_ai_implausible` tells such a date), and a text cell on one
-- line with its spaces collapsed.
create or replace temp macro us_ai_parse_date(x) as coalesce(
    try_strptime(trim(x), [
        '%m/%d/%Y', '%m/%d/%Y %H:%M:%S', '%m/%d/%Y %I:%M:%S %p', '%m/%d/%Y %H:%M',
        '%Y-%m-%d %H:%M:%S', '%Y-%m-%d', '%m/%Y', '%Y'
    ]),
    try_strptime('01-' || trim(x), '%d-%b-%y'),
    try_strptime(trim(x) || '-01', '%y-%b-%d'),
    try_strptime(regexp_extract(x, '^\s*(\d{4}-\d{2}-\d{2})\b', 1), '%Y-%m-%d'),
    try_strptime(regexp_extract(x, '^\s*(\d{4}-\d{2})\b', 1), '%Y-%m')
)::date;
create or replace temp macro us_ai_date(x, first_day, last_day) as
    case when us_ai_parse_date(x) between first_day and last_day
        then us_ai_parse_date(x) end;
create or replace temp macro us_ai_implausible(x, first_day, last_day) as
    coalesce(us_ai_parse_date(x) not between first_day and last_day, false);
create or replace temp macro us_ai_line(x) as nullif(trim(regexp_replace(x, '\s+', ' ', 'g')), '')
