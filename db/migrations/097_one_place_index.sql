-- One place index on workers instead of four (issue 16). Why: every worker row written also
-- writes one entry in each secondary index; the county, township and village indexes and the
-- coverage index (020) all held the place codes. A village code starts with its township's
-- and a township code with its county's, so one index led by the county code serves a filter
-- on any level, provided the query also names the parent codes: portal/areas.place_filter
-- adds them. It holds every column workers_coverage held, so what was read from that index
-- alone still is. The per-village counts of 070 and their triggers are untouched.

DROP INDEX workers_village;
DROP INDEX workers_township;
DROP INDEX workers_county;
DROP INDEX workers_coverage;

CREATE INDEX workers_place ON workers(
    county_code, township_code, village_code, registered, wants_training, trained);
