-- The DuckDB peer: SPEC §1–§4 and the SQL-expressible v2 rules (§4.1–§4.3, §8, §9) as one script.
--
-- bench/duckdb_peer.py defines, before this script runs:
--   views services_scan, claims_scan, rates_scan, authorizations_scan: every input file of one
--     kind, its cells as text in columns raw_<SPEC name> (NULL where a file lacks the column),
--     with file_no (files in reading order), source_file, source_row and (services) minutes_read;
--   variables month_start, next_month (DATE), min_minutes, nearest (BOOLEAN: rounding),
--     followup_days, staff_day_limit, default_rate (DECIMAL(18,6), NULL for none),
--     has_authorizations, activity_aliases (MAP: normalised alias -> code), out_dir.
-- Each file is scanned once. The services rows are typed, checked and given their line rules in
-- one statement, kept as the one wide table `lines`; the outputs are written from the tables.

-- Text helpers, each cheap per row: DuckDB's own casts first, a regular expression only where a
-- cast alone would accept what SPEC §1 rejects ('45.5' as INTEGER rounds; '1/2/26' is no date).
CREATE MACRO txt(s) AS nullif(trim(s), '');
CREATE MACRO whole(s) AS CASE
    WHEN regexp_full_match(s, '\s*[+-]?\d{1,9}(\.0*)?\s*') THEN CAST(TRY_CAST(s AS DOUBLE) AS BIGINT)
END;
CREATE MACRO day_of(s) AS coalesce(TRY_CAST(s AS DATE), CASE
    WHEN trim(s) LIKE '%/%/____' THEN CAST(try_strptime(trim(s), '%m/%d/%Y') AS DATE)
END);
CREATE MACRO yes_no(s) AS CASE
    WHEN lower(trim(s)) IN ('true', 'yes', 'y', '1') THEN true
    WHEN lower(trim(s)) IN ('false', 'no', 'n', '0') THEN false
END;
CREATE MACRO decimal_number(s) AS CASE
    WHEN regexp_full_match(s, '\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*') THEN TRY_CAST(s AS DOUBLE)
END;
-- An activity as its code: most rows already spell one, compared as plain text;
-- the others are normalised (runs of spaces and hyphens as `_`) and looked up among the aliases.
CREATE MACRO is_activity(c) AS c = 'face_to_face' OR c = 'phone' OR c = 'voicemail_left'
    OR c = 'voicemail_listened' OR c = 'mailing' OR c = 'research' OR c = 'case_staffing'
    OR c = 'scheduling';
CREATE MACRO activity_code(lowered) AS CASE
    WHEN is_activity(lowered) THEN lowered
    ELSE coalesce(getvariable('activity_aliases')[regexp_replace(lowered, '[\s-]+', '_', 'g')],
                  regexp_replace(lowered, '[\s-]+', '_', 'g'))
END;
-- A time of day (9:05, 14:30, 2:30 PM) as minutes after midnight; NULL where it does not read.
CREATE MACRO clock_of(t) AS CASE
    WHEN t.h = '' THEN NULL
    WHEN t.half = '' THEN CASE WHEN CAST(t.h AS INT) < 24 THEN CAST(t.h AS INT) * 60 + CAST(t.m AS INT) END
    WHEN CAST(t.h AS INT) BETWEEN 1 AND 12
        THEN (CAST(t.h AS INT) % 12 + CASE WHEN t.half = 'p' THEN 12 ELSE 0 END) * 60 + CAST(t.m AS INT)
END;
CREATE MACRO clock(s) AS CASE WHEN txt(s) IS NOT NULL THEN clock_of(regexp_extract(lower(trim(s)),
    '^(\d{1,2}):([0-5]\d)(?::[0-5]\d)?\s*(?:([ap])\.?m\.?)?$', ['h', 'm', 'half'])) END;
-- SPEC §4: whole 15-minute increments / 4 (or nearest), nothing below the minimum.
CREATE MACRO units_of(minutes) AS CAST(CASE
    WHEN minutes < getvariable('min_minutes') THEN 0
    ELSE (minutes // 15 + CASE WHEN getvariable('nearest') AND minutes % 15 >= 8 THEN 1 ELSE 0 END) / 4
END AS DECIMAL(18, 2));
-- Exact: DECIMAL units x DECIMAL rate, rounded half away from zero (half up: amounts are >= 0).
CREATE MACRO money(units, rate) AS
    CAST(round(CAST(units AS DECIMAL(18, 2)) * rate, 2) AS DECIMAL(18, 2));
-- One failing cell of a rejected row (SPEC §2), NULL for a cell that passes.
CREATE MACRO problem(bad, col, value, rule) AS CASE WHEN bad THEN {
    'column': col, 'value': coalesce(value, ''),
    'error': CASE WHEN txt(value) IS NULL THEN col || ' is blank'
                  ELSE col || ' ''' || value || ''' is not ' || rule END} END;

-- Codes as bits, in the order a reasons text lists them (SPEC §3, §4.1, §8.4, §9).
CREATE MACRO reasons_of(b) AS concat_ws(';',
    CASE WHEN b & 1 <> 0 THEN 'DUPLICATE_SERVICE' END,
    CASE WHEN b & 2 <> 0 THEN 'OUTSIDE_PERIOD' END,
    CASE WHEN b & 4 <> 0 THEN 'NOT_AUTHORIZED' END,
    CASE WHEN b & 8 <> 0 THEN 'UNDOCUMENTED' END,
    CASE WHEN b & 16 <> 0 THEN 'VOICEMAIL' END,
    CASE WHEN b & 32 <> 0 THEN 'NOT_SIGNIFICANT' END,
    CASE WHEN b & 64 <> 0 THEN 'NOT_CLIENT_SPECIFIC' END,
    CASE WHEN b & 128 <> 0 THEN 'INTERNAL_STAFFING' END,
    CASE WHEN b & 256 <> 0 THEN 'RESEARCH_NO_FOLLOWUP' END,
    CASE WHEN b & 512 <> 0 THEN 'RESEARCH_FOLLOWUP_PENDING' END,
    CASE WHEN b & 1024 <> 0 THEN 'BELOW_MINIMUM' END,
    CASE WHEN b & 2048 <> 0 THEN 'AUTHORIZATION_CAP' END,
    CASE WHEN b & 4096 <> 0 THEN 'NO_DOCUMENTATION' END,
    CASE WHEN b & 8192 <> 0 THEN 'CLAIM_EXCEEDS_DOCUMENTATION' END
);
CREATE MACRO review_of(b) AS concat_ws(';',
    CASE WHEN b & 1 <> 0 THEN 'NOTE_SUGGESTS_VOICEMAIL' END,
    CASE WHEN b & 2 <> 0 THEN 'NOTE_SUGGESTS_SCHEDULING' END,
    CASE WHEN b & 4 <> 0 THEN 'NOTE_SUGGESTS_GROUP' END,
    CASE WHEN b & 8 <> 0 THEN 'STAFF_TIME_OVERLAP' END,
    CASE WHEN b & 16 <> 0 THEN 'MINUTES_EXCEED_INTERVAL' END
);

-- §8.1 phrases as whole words (no letter or digit on either side), case- and accent-
-- insensitive, any run of white space between words: the patterns come from
-- pipeline/default.toml's [review.phrases], made by the runner (bench/duckdb_peer.py), and are
-- matched against the note with its accents stripped.
CREATE MACRO voicemail_words() AS getvariable('voicemail_words');
CREATE MACRO scheduling_words() AS getvariable('scheduling_words');
CREATE MACRO group_words() AS getvariable('group_words');

-- ---------------------------------------------------------------------------------------------
-- §1–§2 for the small inputs: rates (a provider's first valid row stands) and §9 authorizations.

CREATE TABLE rates AS
SELECT *, provider_id IS NOT NULL AND unit_rate IS NOT NULL
        AND row_number() OVER (PARTITION BY provider_id IS NOT NULL AND unit_rate IS NOT NULL,
                               provider_id ORDER BY file_no, source_row) = 1 AS stands
FROM (
    SELECT file_no, source_file, source_row, txt(raw_provider_id) AS provider_id, raw_unit_rate,
        CASE WHEN regexp_full_match(trim(raw_unit_rate), '\d{0,9}(\.\d{0,6}0*)?')
                  AND TRY_CAST(trim(raw_unit_rate) AS DECIMAL(38, 10)) > 0
                  AND TRY_CAST(trim(raw_unit_rate) AS DECIMAL(38, 10)) <= 1000000
             THEN CAST(TRY_CAST(trim(raw_unit_rate) AS DECIMAL(38, 10)) AS DECIMAL(18, 6)) END AS unit_rate
    FROM rates_scan
);

-- A row whose period overlaps an earlier accepted row of the same provider and client is
-- rejected, so each row is decided after the rows before it: a recursive walk, row by row within
-- each provider and client, carrying the periods kept so far.
CREATE TABLE authorizations AS
WITH RECURSIVE typed AS (
    SELECT file_no, source_file, source_row, txt(raw_authorization_id) AS authorization_id,
        txt(raw_provider_id) AS provider_id, txt(raw_client_id) AS client_id,
        day_of(raw_start_date) AS start_date,
        coalesce(day_of(raw_end_date), DATE '9999-12-31') AS last_date,
        CAST(decimal_number(raw_max_units_per_month) AS DECIMAL(18, 2)) AS max_units_per_month,
        raw_start_date,
        txt(raw_provider_id) IS NOT NULL AND txt(raw_client_id) IS NOT NULL
            AND day_of(raw_start_date) IS NOT NULL
            AND (txt(raw_end_date) IS NULL OR day_of(raw_end_date) >= day_of(raw_start_date))
            AND (txt(raw_max_units_per_month) IS NULL
                 OR (decimal_number(raw_max_units_per_month) > 0
                     AND decimal_number(raw_max_units_per_month) * 4
                         = floor(decimal_number(raw_max_units_per_month) * 4))) AS valid
    FROM authorizations_scan
),
candidates AS (
    SELECT *, row_number() OVER (PARTITION BY provider_id, client_id ORDER BY file_no, source_row) AS k
    FROM typed WHERE valid
),
walk(provider_id, client_id, k, kept) AS (
    SELECT provider_id, client_id, k, [{'file_no': file_no, 'source_row': source_row,
                                        'start_date': start_date, 'last_date': last_date}]
    FROM candidates WHERE k = 1
    UNION ALL
    SELECT c.provider_id, c.client_id, c.k,
        CASE WHEN len(list_filter(w.kept, lambda a: a.start_date <= c.last_date
                                                   AND c.start_date <= a.last_date)) = 0
             THEN list_append(w.kept, {'file_no': c.file_no, 'source_row': c.source_row,
                                       'start_date': c.start_date, 'last_date': c.last_date})
             ELSE w.kept END
    FROM walk w JOIN candidates c
        ON c.provider_id = w.provider_id AND c.client_id = w.client_id AND c.k = w.k + 1
),
kept AS (
    SELECT unnest(kept, recursive := true)
    FROM walk QUALIFY k = max(k) OVER (PARTITION BY provider_id, client_id)
)
SELECT t.*, kept.source_row IS NOT NULL AS stands
FROM typed t LEFT JOIN kept USING (file_no, source_row);

-- ---------------------------------------------------------------------------------------------
-- §1–§2 claims.

CREATE TABLE claims AS
SELECT * EXCLUDE (raw_provider_id, raw_client_id, raw_service_date, raw_units_claimed, units),
    CAST(units AS DECIMAL(18, 2)) AS units_claimed,
    CASE WHEN NOT accepted THEN list_filter([
        problem(provider_id IS NULL, 'provider_id', raw_provider_id, 'valid'),
        problem(client_id IS NULL, 'client_id', raw_client_id, 'valid'),
        problem(service_date IS NULL, 'service_date', raw_service_date, 'a date'),
        problem(units IS NULL, 'units_claimed', raw_units_claimed,
                'more than 0 and at most 24, in steps of 0.25')
    ], lambda p: p IS NOT NULL) END AS problems
FROM (
    SELECT *, provider_id IS NOT NULL AND client_id IS NOT NULL AND service_date IS NOT NULL
            AND units IS NOT NULL AS accepted
    FROM (
        SELECT file_no, source_file, source_row, txt(raw_claim_id) AS claim_id,
            txt(raw_provider_id) AS provider_id, txt(raw_client_id) AS client_id,
            day_of(raw_service_date) AS service_date,
            CASE WHEN n > 0 AND n <= 24 AND n * 4 = floor(n * 4) THEN n END AS units,
            raw_provider_id, raw_client_id, raw_service_date, raw_units_claimed
        FROM (SELECT *, decimal_number(raw_units_claimed) AS n FROM claims_scan)
    )
);

-- ---------------------------------------------------------------------------------------------
-- The services rows: typed and checked (§1–§2), then the §3 line rules (with §8.4 and §9's
-- NOT_AUTHORIZED) and the §8.1, §8.3 review flags on the accepted ones. `ord` is the reading
-- order (file, then row). Rejected rows stay in the table with accepted = false.

CREATE TABLE lines AS
WITH typed AS MATERIALIZED (
    SELECT *,
        service_id IS NOT NULL AND provider_id IS NOT NULL AND client_id IS NOT NULL
            AND staff_id IS NOT NULL AND service_date IS NOT NULL AND activity IS NOT NULL
            AND minutes IS NOT NULL AND client_specific IS NOT NULL
            AND external_participants IS NOT NULL AND NOT bad_start AND NOT bad_end AS accepted
    FROM (
        SELECT file_no * 4294967296 + source_row AS ord, file_no, source_file, source_row,
            txt(raw_service_id) AS service_id, txt(raw_provider_id) AS provider_id,
            txt(raw_client_id) AS client_id, txt(raw_staff_id) AS staff_id,
            day_of(raw_service_date) AS service_date,
            CASE WHEN is_activity(code) THEN code END AS activity,
            CASE WHEN given_minutes BETWEEN 1 AND 1440 THEN given_minutes END AS minutes,
            yes_no(raw_client_specific) AS client_specific,
            CASE WHEN txt(raw_external_participants) IS NULL THEN 0
                 WHEN whole(raw_external_participants) >= 0 THEN whole(raw_external_participants)
            END AS external_participants,
            coalesce(raw_note, '') AS note,
            NOT regexp_full_match(coalesce(raw_note, ''), '\s*') AS documented,
            start_minute, end_minute, raw_start_time AS start_time, raw_end_time AS end_time,
            txt(raw_start_time) IS NOT NULL AND start_minute IS NULL AS bad_start,
            (txt(raw_end_time) IS NOT NULL AND end_minute IS NULL)
                OR coalesce(end_minute <= start_minute, false) AS bad_end,
            raw_service_id, raw_provider_id, raw_client_id, raw_staff_id, raw_service_date,
            raw_activity, raw_minutes, raw_client_specific, raw_external_participants
        FROM (
            SELECT *, activity_code(lower(trim(raw_activity))) AS code,
                clock(raw_start_time) AS start_minute, clock(raw_end_time) AS end_minute,
                CASE WHEN minutes_read THEN whole(raw_minutes) ELSE end_minute - start_minute END
                    AS given_minutes
            FROM services_scan
        )
    )
),
-- DUPLICATE_SERVICE: only the few keys that occur twice need their rows put in reading order.
repeated AS (
    SELECT ord FROM typed
    SEMI JOIN (
        SELECT provider_id, service_id FROM typed WHERE accepted GROUP BY ALL HAVING count(*) > 1
    ) AS twice USING (provider_id, service_id)
    WHERE accepted
    QUALIFY row_number() OVER (PARTITION BY provider_id, service_id ORDER BY ord) > 1
),
marked AS MATERIALIZED (
    SELECT ord, provider_id, client_id, staff_id, service_date, activity, client_specific,
        documented, start_minute, end_minute, ord IN (SELECT ord FROM repeated) AS duplicate
    FROM typed WHERE accepted
),
letters AS (
    SELECT provider_id, client_id, service_date FROM marked
    WHERE activity = 'mailing' AND NOT duplicate AND client_specific AND documented
),
research AS (
    SELECT r.ord, EXISTS (
        SELECT 1 FROM letters l
        WHERE l.provider_id = r.provider_id AND l.client_id = r.client_id
            AND l.service_date BETWEEN r.service_date AND r.service_date + getvariable('followup_days')
    ) AS followed_up
    FROM marked r WHERE r.activity = 'research'
),
-- §8.4: the last date the inputs cover for each provider.
covered AS (
    SELECT provider_id, greatest(max(service_date), getvariable('next_month') - 1) AS last_day
    FROM marked GROUP BY provider_id
),
authorized AS (
    SELECT l.ord FROM marked l SEMI JOIN authorizations a
        ON a.stands AND a.provider_id = l.provider_id AND a.client_id = l.client_id
        AND l.service_date BETWEEN a.start_date AND a.last_date
),
-- §8.3 on the lines with both times: an earlier line (by start) still running at this start, or
-- the next line starting before this one ends.
timed AS (
    SELECT ord,
        max(end_minute) OVER before AS earlier_end,
        arg_max(ord, end_minute) OVER before AS earlier_ord,
        lead(start_minute) OVER staff_day AS next_start,
        lead(ord) OVER staff_day AS next_ord
    FROM marked
    WHERE NOT duplicate AND start_minute IS NOT NULL AND end_minute IS NOT NULL
    WINDOW staff_day AS (PARTITION BY provider_id, staff_id, service_date ORDER BY start_minute, ord),
        before AS (staff_day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
)
SELECT * EXCLUDE (raw_service_id, raw_provider_id, raw_client_id, raw_staff_id, raw_service_date,
                  raw_activity, raw_minutes, raw_client_specific, raw_external_participants,
                  earlier_end, earlier_ord, next_start, next_ord),
    CASE WHEN earlier_end > start_minute THEN earlier_ord ELSE next_ord END AS overlap_ord,
    CASE WHEN earlier_end > start_minute THEN least(earlier_end, end_minute) - start_minute
         ELSE end_minute - next_start END AS overlap_minutes,
    bits = 0 AS eligible,
    CASE WHEN voicemail IS NOT NULL THEN 1 ELSE 0 END
        | CASE WHEN scheduling IS NOT NULL THEN 2 ELSE 0 END
        | CASE WHEN grouped IS NOT NULL THEN 4 ELSE 0 END
        | CASE WHEN earlier_end > start_minute OR next_start < end_minute THEN 8 ELSE 0 END
        | CASE WHEN NOT duplicate AND minutes > end_minute - start_minute THEN 16 ELSE 0 END
        AS review_bits
FROM (
    SELECT *,
        CASE WHEN NOT duplicate AND activity NOT IN ('voicemail_left', 'voicemail_listened')
                  AND phrase_found THEN nullif(regexp_extract(strip_accents(note), voicemail_words(), 1, 'i'), '') END
            AS voicemail,
        CASE WHEN NOT duplicate AND activity <> 'scheduling'
                  AND phrase_found THEN nullif(regexp_extract(strip_accents(note), scheduling_words(), 1, 'i'), '') END
            AS scheduling,
        CASE WHEN NOT duplicate AND client_specific
                  AND phrase_found THEN nullif(regexp_extract(strip_accents(note), group_words(), 1, 'i'), '') END
            AS grouped
    FROM (
        SELECT t.*, m.duplicate, r.ord IS NOT NULL AND NOT r.followed_up AS research_open,
            t.accepted AND NOT m.duplicate
                AND regexp_matches(strip_accents(t.note), voicemail_words() || '|' || scheduling_words() || '|' || group_words(), 'i')
                AS phrase_found,
            CASE WHEN NOT t.accepted THEN list_filter([
                problem(t.service_id IS NULL, 'service_id', t.raw_service_id, 'valid'),
                problem(t.provider_id IS NULL, 'provider_id', t.raw_provider_id, 'valid'),
                problem(t.client_id IS NULL, 'client_id', t.raw_client_id, 'valid'),
                problem(t.staff_id IS NULL, 'staff_id', t.raw_staff_id, 'valid'),
                problem(t.service_date IS NULL, 'service_date', t.raw_service_date, 'a date'),
                problem(t.activity IS NULL, 'activity', t.raw_activity, 'an activity code'),
                problem(t.minutes IS NULL, 'minutes', t.raw_minutes, 'a whole number from 1 to 1440'),
                problem(t.client_specific IS NULL, 'client_specific', t.raw_client_specific, 'yes or no'),
                problem(t.external_participants IS NULL, 'external_participants',
                        t.raw_external_participants, 'a whole number of 0 or more'),
                problem(t.bad_start, 'start_time', t.start_time, 'a time'),
                problem(t.bad_end, 'end_time', t.end_time, 'a time after start_time')
            ], lambda p: p IS NOT NULL) END AS problems,
            CASE WHEN m.duplicate THEN 1 ELSE 0 END
            | CASE WHEN t.service_date < getvariable('month_start')
                     OR t.service_date >= getvariable('next_month') THEN 2 ELSE 0 END
            | CASE WHEN getvariable('has_authorizations') AND z.ord IS NULL THEN 4 ELSE 0 END
            | CASE WHEN NOT t.documented THEN 8 ELSE 0 END
            | CASE WHEN t.activity IN ('voicemail_left', 'voicemail_listened') THEN 16 ELSE 0 END
            | CASE WHEN t.activity = 'scheduling' THEN 32 ELSE 0 END
            | CASE WHEN NOT t.client_specific THEN 64 ELSE 0 END
            | CASE WHEN t.activity = 'case_staffing' AND t.external_participants = 0 THEN 128 ELSE 0 END
            | CASE WHEN r.ord IS NOT NULL AND NOT r.followed_up THEN
                  CASE WHEN t.service_date + getvariable('followup_days') > c.last_day THEN 512 ELSE 256 END
              ELSE 0 END AS bits,
            x.earlier_end, x.earlier_ord, x.next_start, x.next_ord
        FROM typed t
        LEFT JOIN marked m ON m.ord = t.ord
        LEFT JOIN research r ON r.ord = t.ord
        LEFT JOIN covered c ON c.provider_id = t.provider_id
        LEFT JOIN authorized z ON z.ord = t.ord
        LEFT JOIN timed x ON x.ord = t.ord
    )
);

-- ---------------------------------------------------------------------------------------------
-- §4 client-days: every (provider, client, date) with a non-duplicate line or a claims row.

CREATE TABLE day_totals AS
SELECT provider_id, client_id, service_date,
    CAST(sum(documented) AS BIGINT) AS documented_minutes,
    CAST(sum(countable) AS BIGINT) AS countable_minutes,
    bit_or(bits) AS line_bits, bit_or(review_bits) AS review_bits,
    CAST(coalesce(sum(units), 0) AS DECIMAL(18, 2)) AS claimed_units,
    CAST(sum(claim_row) AS BIGINT) AS claim_rows,
    units_of(CAST(sum(countable) AS BIGINT)) AS uncapped_units
FROM (
    SELECT provider_id, client_id, service_date,
        CASE WHEN duplicate THEN 0 ELSE minutes END AS documented,
        CASE WHEN bits = 0 THEN minutes ELSE 0 END AS countable,
        bits, review_bits, CASE WHEN duplicate THEN 0 ELSE 1 END AS counted_line,
        NULL AS units, 0 AS claim_row
    FROM lines WHERE accepted
    UNION ALL
    SELECT provider_id, client_id, service_date, 0, 0, 0, 0, 0, units_claimed, 1
    FROM claims WHERE accepted
)
GROUP BY ALL
HAVING sum(counted_line) > 0 OR sum(claim_row) > 0;

-- §9 AUTHORIZATION_CAP: within one authorization and the billing month, days in date order;
-- the day whose running total passes the cap keeps the remainder, later days keep 0.
CREATE TABLE capped AS
SELECT provider_id, client_id, service_date,
    greatest(least(uncapped_units,
        max_units_per_month - (sum(uncapped_units) OVER in_authorization - uncapped_units)), 0)
        AS capped_units
FROM (
    SELECT d.provider_id, d.client_id, d.service_date, d.uncapped_units, a.file_no, a.source_row,
        a.max_units_per_month
    FROM day_totals d JOIN authorizations a
        ON a.stands AND a.max_units_per_month IS NOT NULL
        AND a.provider_id = d.provider_id AND a.client_id = d.client_id
        AND d.service_date BETWEEN a.start_date AND a.last_date
    WHERE d.service_date >= getvariable('month_start') AND d.service_date < getvariable('next_month')
        AND d.uncapped_units > 0
)
WINDOW in_authorization AS (PARTITION BY file_no, source_row ORDER BY service_date
                            ROWS UNBOUNDED PRECEDING);

-- §4, §4.1, §4.2: units, status, the causes of disallowed units, exact money.
CREATE TABLE days AS
SELECT *,
    CAST(claimed_amount - payable_amount AS DECIMAL(18, 2)) AS disallowed_amount,
    CAST(claimed_amount - documented_amount AS DECIMAL(18, 2)) AS disallowed_amount_documentation,
    CAST(documented_amount - payable_amount AS DECIMAL(18, 2)) AS disallowed_amount_rules,
    CAST(allowable_amount - payable_amount AS DECIMAL(18, 2)) AS unclaimed_amount,
    reasons_of(line_bits
        | CASE WHEN countable_minutes > 0 AND countable_minutes < getvariable('min_minutes') THEN 1024 ELSE 0 END
        | CASE WHEN allowable_units < uncapped_units THEN 2048 ELSE 0 END
        | CASE WHEN claimed_units > 0 AND documented_minutes = 0 THEN 4096 ELSE 0 END
        | CASE WHEN documented_minutes > 0 AND claimed_units > documentation_units THEN 8192 ELSE 0 END
    ) AS reasons,
    review_of(review_bits) AS review
FROM (
    SELECT *,
        claimed_units - allowable_units AS variance_units,
        CASE WHEN claimed_units > 0 AND documented_minutes = 0 THEN 'no_documentation'
             WHEN claimed_units = 0 AND allowable_units = 0 THEN 'nothing_billable'
             WHEN claimed_units = allowable_units THEN 'match'
             WHEN claimed_units > allowable_units THEN 'over_claimed'
             WHEN claimed_units = 0 THEN 'not_claimed'
             ELSE 'under_claimed' END AS status,
        greatest(claimed_units - documentation_units, 0) AS disallowed_units_documentation,
        greatest(least(claimed_units, documentation_units) - allowable_units, 0) AS disallowed_units_rules,
        money(claimed_units, unit_rate) AS claimed_amount,
        money(allowable_units, unit_rate) AS allowable_amount,
        money(least(claimed_units, allowable_units), unit_rate) AS payable_amount,
        money(least(claimed_units, documentation_units), unit_rate) AS documented_amount
    FROM (
        SELECT d.*, coalesce(c.capped_units, d.uncapped_units) AS allowable_units,
            units_of(d.documented_minutes) AS documentation_units,
            coalesce(r.unit_rate, getvariable('default_rate')) AS unit_rate
        FROM day_totals d
        LEFT JOIN capped c USING (provider_id, client_id, service_date)
        LEFT JOIN rates r ON r.stands AND r.provider_id = d.provider_id
    )
);

-- ---------------------------------------------------------------------------------------------
-- Outputs (SPEC §5), in the pipeline's order: client-days by key, lines and claims as read.

COPY (
    SELECT provider_id, client_id, service_date, documented_minutes, countable_minutes,
        CAST(claimed_units AS DOUBLE) AS claimed_units,
        CAST(allowable_units AS DOUBLE) AS allowable_units,
        CAST(variance_units AS DOUBLE) AS variance_units, status, reasons, unit_rate,
        claimed_amount, allowable_amount, disallowed_amount,
        CAST(documentation_units AS DOUBLE) AS documentation_units, payable_amount,
        CAST(disallowed_units_documentation AS DOUBLE) AS disallowed_units_documentation,
        CAST(disallowed_units_rules AS DOUBLE) AS disallowed_units_rules,
        disallowed_amount_documentation, disallowed_amount_rules, unclaimed_amount, review
    FROM days ORDER BY provider_id, client_id, service_date
) TO (getvariable('out_dir') || '/client_days.parquet') (FORMAT parquet);

COPY (
    SELECT l.source_file, l.source_row, l.service_id, l.provider_id, l.client_id, l.staff_id,
        l.service_date, l.activity, l.minutes, l.client_specific, l.external_participants, l.note,
        l.start_time, l.end_time, l.duplicate, l.eligible,
        reasons_of(l.bits | CASE WHEN l.eligible AND short.provider_id IS NOT NULL THEN 1024 ELSE 0 END)
            AS reasons,
        review_of(l.review_bits) AS review
    FROM lines l
    LEFT JOIN (
        SELECT provider_id, client_id, service_date FROM days
        WHERE countable_minutes > 0 AND countable_minutes < getvariable('min_minutes')
    ) AS short USING (provider_id, client_id, service_date)
    WHERE l.accepted
    ORDER BY l.ord
) TO (getvariable('out_dir') || '/service_lines.parquet') (FORMAT parquet);

-- §4.3: the day's payable units fill its claims rows in reading order.
COPY (
    SELECT claim_id, source_file, source_row, provider_id, client_id, service_date,
        CAST(units_claimed AS DOUBLE) AS units_claimed, status,
        CAST(payable_units AS DOUBLE) AS payable_units,
        CAST(units_claimed - payable_units AS DOUBLE) AS disallowed_units,
        claimed_amount, payable_amount,
        CAST(claimed_amount - payable_amount AS DECIMAL(18, 2)) AS disallowed_amount
    FROM (
        SELECT *,
            least(through, paid) - least(through - units_claimed, paid) AS payable_units,
            CAST(money(through, unit_rate) - money(through - units_claimed, unit_rate)
                 AS DECIMAL(18, 2)) AS claimed_amount,
            CAST(money(least(through, paid), unit_rate)
                 - money(least(through - units_claimed, paid), unit_rate) AS DECIMAL(18, 2))
                AS payable_amount
        FROM (
            -- `through`: the day's claimed units up to this row; a running sum only where the
            -- day has several rows (most have one).
            SELECT c.claim_id, c.source_file, c.source_row, c.provider_id, c.client_id,
                c.service_date, c.units_claimed, d.status, d.unit_rate,
                least(d.claimed_units, d.allowable_units) AS paid, c.units_claimed AS through,
                c.file_no
            FROM claims c JOIN days d USING (provider_id, client_id, service_date)
            WHERE c.accepted AND d.claim_rows = 1
            UNION ALL
            SELECT c.claim_id, c.source_file, c.source_row, c.provider_id, c.client_id,
                c.service_date, c.units_claimed, d.status, d.unit_rate,
                least(d.claimed_units, d.allowable_units),
                sum(c.units_claimed) OVER (PARTITION BY c.provider_id, c.client_id, c.service_date
                                           ORDER BY c.file_no, c.source_row
                                           ROWS UNBOUNDED PRECEDING),
                c.file_no
            FROM claims c JOIN days d USING (provider_id, client_id, service_date)
            WHERE c.accepted AND d.claim_rows > 1
        )
    )
    ORDER BY file_no, source_row
) TO (getvariable('out_dir') || '/claims.parquet') (FORMAT parquet);

-- Warnings (§4, §8.2) and review flags (§8.1, §8.3), one row each.
COPY (
    SELECT 'STAFF_DAY_OVER_LIMIT' AS code, 'warning' AS kind, provider_id,
        CAST(NULL AS VARCHAR) AS client_id, staff_id, service_date,
        CAST(NULL AS VARCHAR) AS source_file, CAST(NULL AS BIGINT) AS source_row,
        'staff ' || staff_id || ' documented ' || sum(minutes)
            || ' minutes on this date across all clients, over the limit of '
            || getvariable('staff_day_limit') AS detail
    FROM lines WHERE accepted AND NOT duplicate
    GROUP BY provider_id, staff_id, service_date HAVING sum(minutes) > getvariable('staff_day_limit')
    UNION ALL
    SELECT 'MULTIPLE_CLAIM_LINES', 'warning', provider_id, client_id, NULL, service_date, NULL, NULL,
        claim_rows || ' claims rows for this client-day'
    FROM days WHERE claim_rows > 1
    UNION ALL
    SELECT 'CROSS_PROVIDER_SAME_DAY', 'warning', d.provider_id, d.client_id, NULL, d.service_date,
        NULL, NULL, 'also claimed on this date by '
            || array_to_string(list_sort(list_filter(x.providers, lambda p: p <> d.provider_id)), ', ')
    FROM days d JOIN (
        SELECT client_id, service_date, list(provider_id) AS providers FROM days
        WHERE claimed_units > 0 GROUP BY ALL HAVING count(*) > 1
    ) AS x USING (client_id, service_date)
    WHERE d.claimed_units > 0
    UNION ALL
    SELECT f.code, 'review', l.provider_id, l.client_id, l.staff_id, l.service_date,
        l.source_file, l.source_row, f.detail
    FROM lines l, LATERAL (
        SELECT * FROM (VALUES
            ('NOTE_SUGGESTS_VOICEMAIL', l.review_bits & 1 <> 0, 'the note says ''' || l.voicemail || ''''),
            ('NOTE_SUGGESTS_SCHEDULING', l.review_bits & 2 <> 0, 'the note says ''' || l.scheduling || ''''),
            ('NOTE_SUGGESTS_GROUP', l.review_bits & 4 <> 0, 'the note says ''' || l.grouped || ''''),
            ('STAFF_TIME_OVERLAP', l.review_bits & 8 <> 0,
                l.overlap_minutes || ' minutes overlap another line of this staff member (row '
                || (l.overlap_ord % 4294967296) || ')'),
            ('MINUTES_EXCEED_INTERVAL', l.review_bits & 16 <> 0,
                l.minutes || ' minutes, but ' || (l.end_minute - l.start_minute)
                || ' from start to end'))
            AS flag(code, hit, detail)
        WHERE hit
    ) AS f
    WHERE l.accepted AND l.review_bits <> 0
) TO (getvariable('out_dir') || '/review.parquet') (FORMAT parquet);

-- §2: one record per failing cell of each rejected row, later rate rows, refused authorizations.
COPY (
    SELECT source_file, source_row, p.column AS "column", p.value AS value, p.error AS error
    FROM (SELECT source_file, source_row, unnest(problems) AS p FROM lines WHERE NOT accepted)
    UNION ALL
    SELECT source_file, source_row, p.column, p.value, p.error
    FROM (SELECT source_file, source_row, unnest(problems) AS p FROM claims WHERE NOT accepted)
    UNION ALL
    SELECT source_file, source_row, 'unit_rate', coalesce(raw_unit_rate, ''),
        'unit_rate is not a rate, or provider ' || coalesce(provider_id, '') || ' already has one'
    FROM rates WHERE NOT stands
    UNION ALL
    SELECT source_file, source_row, 'start_date', coalesce(raw_start_date, ''),
        'the authorization is not valid, or its period overlaps an earlier one'
    FROM authorizations WHERE NOT stands
) TO (getvariable('out_dir') || '/rejected_rows.parquet') (FORMAT parquet);
