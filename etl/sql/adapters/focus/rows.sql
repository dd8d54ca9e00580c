-- One row per source record: parsed and checked, with its initiative (the value of the
-- initiative tag, through the tag map) and its category (the most specific matching row of
-- the category map). Parameters: the tag key, its JSON path, the cost column's name.
-- The cost source names the account, the billing period as written and the currency, so no
-- two cost rows of one export ever share a key, whatever mix of currencies it holds.
create or replace temp table {prefix}_rows as
with billing_periods as (
    select
        billing_period,
        case
            when regexp_full_match(
                upper(billing_period),
                '\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?'
            )
                then date_trunc('month', try_cast(left(billing_period, 10) as date))::date
        end as period
    from (select distinct billing_period from {prefix}_read)
),

charge_periods as (
    select
        charge_period,
        date_trunc('month', case
            when not regexp_full_match(
                upper(charge_period),
                '\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?'
            ) then null
            when regexp_matches(upper(charge_period), '[T ]\d{2}:\d{2}.*(Z|[+-]\d{2}(:?\d{2})?)$')
                then timezone('UTC', try_cast(upper(charge_period) as timestamptz))
            else try_cast(upper(charge_period) as timestamp)
        end)::date as month
    from (select distinct charge_period from {prefix}_read)
),

tag_objects as (
    select
        tags,
        case when json_valid(tags) then json_type(tags) = 'OBJECT' else false end as tags_object
    from (select distinct tags from {prefix}_read where tags is not null)
),

tag_sets as (
    select
        tags,
        tags_object,
        nullif(trim(case
            when not tags_object then null
            when json_extract_string(tags, $path) is not null
                then json_extract_string(tags, $path)
            when contains(lower(tags), lower(trim($tag))) then list_filter(
                map_entries(json_transform(tags, '"MAP(VARCHAR, VARCHAR)"')),
                lambda e: lower(trim(e.key)) = lower(trim($tag))
            )[1].value
        end), '') as tag_value
    from tag_objects
),

typed as (
    select
        r.rowid + 1 as _source_row,
        r.*,
        b.period,
        c.month,
        case when regexp_full_match(r.currency_text, '[A-Za-z]{3}')
            then upper(r.currency_text) end as currency,
        try_cast(r.cost as decimal(38, 18)) as amount,
        coalesce(t.tags_object, false) as tags_object,
        t.tag_value
    from {prefix}_read as r
    left join billing_periods as b on b.billing_period = r.billing_period
    left join charge_periods as c on c.charge_period = r.charge_period
    left join tag_sets as t on t.tags = r.tags
),

checked as (
    select
        *,
        'focus:' || account || ':' || strftime(period, '%Y-%m') || ':' || currency as source,
        'focus:' || account || ':' || strftime(period, '%Y-%m') as account_period,
        case when account is null or period is null or month is null or currency is null
            or amount is null then list_filter([
                case when account is null then {
                    'column_name': 'BillingAccountId',
                    'value': account,
                    'reason': 'BillingAccountId is blank'
                } end,
                case when period is null then {
                    'column_name': 'BillingPeriodStart',
                    'value': billing_period,
                    'reason': 'BillingPeriodStart' || coalesce(
                        ' ' || billing_period || ' is not an ISO 8601 date-time', ' is blank'
                    )
                } end,
                case when month is null then {
                    'column_name': 'ChargePeriodStart',
                    'value': charge_period,
                    'reason': 'ChargePeriodStart' || coalesce(
                        ' ' || charge_period || ' is not an ISO 8601 date-time', ' is blank'
                    )
                } end,
                case when currency is null then {
                    'column_name': 'BillingCurrency',
                    'value': currency_text,
                    'reason': 'BillingCurrency' || coalesce(
                        ' ' || currency_text || ' is not a 3-letter currency code', ' is blank'
                    )
                } end,
                case when amount is null then {
                    'column_name': $cost_column,
                    'value': cost,
                    'reason': $cost_column || coalesce(
                        ' ' || cost || ' is not a decimal number', ' is blank'
                    )
                } end
            ], lambda p: p is not null)
        end as problems
    from typed
),

known as (
    select lower(trim(initiative_id)) as key, min(initiative_id) as initiative_id
    from initiatives group by 1
),

pairs as (
    select p.service_key, p.charge_key, arg_max(m.category, m.rank) as category
    from (
        select distinct
            coalesce(lower(trim(service_category)), '') as service_key,
            coalesce(lower(trim(charge_category)), '') as charge_key
        from checked
    ) as p
    join {prefix}_categories as m
        on m.service_key in (p.service_key, '*') and m.charge_key in (p.charge_key, '*')
    group by all
),

final as (
    select
        c._source_row, c.problems, c.source, c.account_period, c.month, c.currency, c.amount,
        c.service_category, c.charge_category, c.tag_value,
        strftime(c.period, '%Y-%m') as billing_month,
        coalesce(c.currency, nullif(upper(c.currency_text), '')) as currency_key,
        k.initiative_id,
        pairs.category is null as category_unmapped,
        coalesce(pairs.category, 'other') as category,
        case
            when c.tags is null then 'no tag ' || $tag
            when not c.tags_object then 'Tags is not a JSON object'
            when c.tag_value is null then 'no tag ' || $tag
            when t.target is not null then 'tag ' || $tag || '=' || c.tag_value
                || ' maps to initiative ' || t.target || ', which is not loaded'
            else 'tag ' || $tag || '=' || c.tag_value || ' maps to no initiative'
        end as unallocated_reason
    from checked as c
    left join {prefix}_tags as t on t.source_key = lower(c.tag_value)
    left join known as k on k.key = lower(coalesce(t.target, c.tag_value))
    left join pairs
        on pairs.service_key = coalesce(lower(trim(c.service_category)), '')
        and pairs.charge_key = coalesce(lower(trim(c.charge_category)), '')
)

select * from final
