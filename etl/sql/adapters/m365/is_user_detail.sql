-- Whether a beta JSON report names users (the per-user report) rather than counting them.
with final as (
    select coalesce(json_exists(content, '$.value[0].userPrincipalName'), false) as is_detail
    from read_text($path)
)

select * from final
