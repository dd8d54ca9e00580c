-- The seat list's month, seat rows with a login, distinct users and its total_seats.
with final as (
    select
        strftime(any_value(month), '%Y-%m') as month,
        count(*) filter (where login is not null) as seat_rows,
        count(distinct login) as users,
        any_value(total_seats) as total_seats
    from {prefix}_seats
)

select * from final
