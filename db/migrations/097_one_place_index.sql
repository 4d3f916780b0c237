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

-- The few workers outside the ledger (建档立卡), counted by the baseline: without this the
-- city-wide count walks all 200,000 entries of workers_place (2.3-2.9 -> 21-25 ms). Partial,
-- so a registered worker's row writes no entry here; led by registered so that the planner
-- searches it for the city as well.
CREATE INDEX workers_unregistered ON workers(registered, county_code, township_code, village_code)
WHERE registered = 0;
