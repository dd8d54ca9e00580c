-- The new sightings replace an earlier sighting of the same use case in the same year.
delete from inventory_sightings as s using new_sightings as n
where s.initiative_id = n.initiative_id and s.inventory_year = n.inventory_year;

insert into inventory_sightings by name select * from new_sightings;

drop table new_sightings
