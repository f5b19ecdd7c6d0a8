"""Column names and value domains of every frame, input and output: spelled here only."""

from decimal import Decimal
from typing import Final

# Provenance, on every loaded row and every rejected record (SPEC §2).
SOURCE_FILE: Final = "source_file"
SOURCE_ROW: Final = "source_row"

# services (SPEC §1)
SERVICE_ID: Final = "service_id"
PROVIDER_ID: Final = "provider_id"
CLIENT_ID: Final = "client_id"
STAFF_ID: Final = "staff_id"
SERVICE_DATE: Final = "service_date"
ACTIVITY: Final = "activity"
MINUTES: Final = "minutes"
CLIENT_SPECIFIC: Final = "client_specific"
EXTERNAL_PARTICIPANTS: Final = "external_participants"
NOTE: Final = "note"

# claims
CLAIM_ID: Final = "claim_id"
UNITS_CLAIMED: Final = "units_claimed"

# rates
UNIT_RATE: Final = "unit_rate"
PROVIDER_NAME: Final = "provider_name"  # optional (v2): shown beside the ID in the workbooks

# Optional clock times of a services row (v2 §1, §8.3): kept on the line as read, and the
# minutes in place of a missing `minutes` column (issue 3).
START_TIME: Final = "start_time"
END_TIME: Final = "end_time"
# The clock times as minutes after midnight (Int64, NA where absent), for the §8.3 checks.
START_MINUTE: Final = "start_minute"
END_MINUTE: Final = "end_minute"

# authorizations (v2 §9)
AUTHORIZATION_ID: Final = "authorization_id"
START_DATE: Final = "start_date"
END_DATE: Final = "end_date"
MAX_UNITS_PER_MONTH: Final = "max_units_per_month"

SERVICES_COLUMNS: Final = (
    SERVICE_ID, PROVIDER_ID, CLIENT_ID, STAFF_ID, SERVICE_DATE, ACTIVITY, MINUTES,
    CLIENT_SPECIFIC, EXTERNAL_PARTICIPANTS, NOTE,
)
SERVICES_REQUIRED: Final = tuple(c for c in SERVICES_COLUMNS if c != EXTERNAL_PARTICIPANTS)
CLAIMS_COLUMNS: Final = (CLAIM_ID, PROVIDER_ID, CLIENT_ID, SERVICE_DATE, UNITS_CLAIMED)
CLAIMS_REQUIRED: Final = (PROVIDER_ID, CLIENT_ID, SERVICE_DATE, UNITS_CLAIMED)
RATES_COLUMNS: Final = (PROVIDER_ID, UNIT_RATE, PROVIDER_NAME)
RATES_REQUIRED: Final = (PROVIDER_ID, UNIT_RATE)
AUTHORIZATIONS_COLUMNS: Final = (
    AUTHORIZATION_ID, PROVIDER_ID, CLIENT_ID, START_DATE, END_DATE, MAX_UNITS_PER_MONTH,
)
AUTHORIZATIONS_REQUIRED: Final = (PROVIDER_ID, CLIENT_ID, START_DATE)

# Value domains.
FACE_TO_FACE: Final = "face_to_face"
PHONE: Final = "phone"
VOICEMAIL_LEFT: Final = "voicemail_left"
VOICEMAIL_LISTENED: Final = "voicemail_listened"
MAILING: Final = "mailing"
RESEARCH: Final = "research"
CASE_STAFFING: Final = "case_staffing"
SCHEDULING: Final = "scheduling"
ACTIVITIES: Final = (
    FACE_TO_FACE, PHONE, VOICEMAIL_LEFT, VOICEMAIL_LISTENED, MAILING, RESEARCH, CASE_STAFFING,
    SCHEDULING,
)
TRUE_WORDS: Final = ("true", "yes", "y", "1")
FALSE_WORDS: Final = ("false", "no", "n", "0")
MAX_MINUTES: Final = 1440
MINUTES_PER_DAY: Final = 1440
MAX_UNITS_CLAIMED: Final = 24
# Dollars per hour unit: far above any contract, so a larger rate is a typo. At 24 units a row,
# a month's amounts stay within int64 cents up to 3.8 billion claims rows.
MAX_UNIT_RATE: Final = Decimal("1000000.00")
UNIT_STEP: Final = 0.25
MINUTES_PER_INCREMENT: Final = 15
INCREMENTS_PER_UNIT: Final = 4

# Rejected-row records (SPEC §2).
COLUMN: Final = "column"
VALUE: Final = "value"
ERROR: Final = "error"
REJECTED_COLUMNS: Final = (SOURCE_FILE, SOURCE_ROW, COLUMN, VALUE, ERROR)

# Service lines after the rules (SPEC §3, §5).
DUPLICATE: Final = "duplicate"
ELIGIBLE: Final = "eligible"
REASONS: Final = "reasons"
REVIEW: Final = "review"  # v2 §8: the review flags of a line or a day, joined like reasons
REASON_SEPARATOR: Final = ";"
SERVICE_LINES_COLUMNS: Final = (
    SOURCE_FILE, SOURCE_ROW, *SERVICES_COLUMNS, DUPLICATE, ELIGIBLE, REASONS, START_TIME,
    END_TIME, REVIEW,
)

# Client-days (SPEC §4, §5), in the order of client_days.parquet.
DOCUMENTED_MINUTES: Final = "documented_minutes"
COUNTABLE_MINUTES: Final = "countable_minutes"
CLAIMED_UNITS: Final = "claimed_units"
ALLOWABLE_UNITS: Final = "allowable_units"
VARIANCE_UNITS: Final = "variance_units"
STATUS: Final = "status"
CLAIMED_AMOUNT: Final = "claimed_amount"
ALLOWABLE_AMOUNT: Final = "allowable_amount"
DISALLOWED_AMOUNT: Final = "disallowed_amount"
# v2 §4.1–§4.2: every disallowed unit and dollar split by cause, and money that cross-foots.
DOCUMENTATION_UNITS: Final = "documentation_units"
PAYABLE_AMOUNT: Final = "payable_amount"
DISALLOWED_UNITS_DOCUMENTATION: Final = "disallowed_units_documentation"
DISALLOWED_UNITS_RULES: Final = "disallowed_units_rules"
DISALLOWED_AMOUNT_DOCUMENTATION: Final = "disallowed_amount_documentation"
DISALLOWED_AMOUNT_RULES: Final = "disallowed_amount_rules"
UNCLAIMED_AMOUNT: Final = "unclaimed_amount"
CLAIM_LINES: Final = "claim_lines"
CLIENT_DAY_KEY: Final = (PROVIDER_ID, CLIENT_ID, SERVICE_DATE)
CLIENT_DAYS_COLUMNS: Final = (
    PROVIDER_ID, CLIENT_ID, SERVICE_DATE, DOCUMENTED_MINUTES, COUNTABLE_MINUTES, CLAIMED_UNITS,
    ALLOWABLE_UNITS, VARIANCE_UNITS, STATUS, REASONS, UNIT_RATE, CLAIMED_AMOUNT,
    ALLOWABLE_AMOUNT, DISALLOWED_AMOUNT, DOCUMENTATION_UNITS, PAYABLE_AMOUNT,
    DISALLOWED_UNITS_DOCUMENTATION, DISALLOWED_UNITS_RULES, DISALLOWED_AMOUNT_DOCUMENTATION,
    DISALLOWED_AMOUNT_RULES, UNCLAIMED_AMOUNT, REVIEW,
)
# Every amount of a client-day; each total is the exact sum of the rounded per-day amounts.
AMOUNT_COLUMNS: Final = (
    CLAIMED_AMOUNT, ALLOWABLE_AMOUNT, DISALLOWED_AMOUNT, PAYABLE_AMOUNT,
    DISALLOWED_AMOUNT_DOCUMENTATION, DISALLOWED_AMOUNT_RULES, UNCLAIMED_AMOUNT,
)

# Accepted claims rows, traceable (v2 §4.3), in the order of claims.parquet.
PAYABLE_UNITS: Final = "payable_units"
DISALLOWED_UNITS: Final = "disallowed_units"
CLAIM_ROWS_COLUMNS: Final = (
    CLAIM_ID, SOURCE_FILE, SOURCE_ROW, PROVIDER_ID, CLIENT_ID, SERVICE_DATE, UNITS_CLAIMED,
    STATUS, PAYABLE_UNITS, DISALLOWED_UNITS, CLAIMED_AMOUNT, PAYABLE_AMOUNT, DISALLOWED_AMOUNT,
)
CLAIM_AMOUNT_COLUMNS: Final = (CLAIMED_AMOUNT, PAYABLE_AMOUNT, DISALLOWED_AMOUNT)

# Each provider of the month (v2 §5.1 Summary): its name and rate, and where the rate came from.
RATE_SOURCE: Final = "rate_source"
RATES_FILE: Final = "rates file"
DEFAULT_RATE: Final = "default"
NO_RATE: Final = "none"
RATE_SOURCES: Final = (RATES_FILE, DEFAULT_RATE, NO_RATE)
PROVIDERS_COLUMNS: Final = (PROVIDER_ID, PROVIDER_NAME, UNIT_RATE, RATE_SOURCE)

# Statuses, in the order SPEC §4 tests them.
NO_DOCUMENTATION: Final = "no_documentation"
NOTHING_BILLABLE: Final = "nothing_billable"
MATCH: Final = "match"
OVER_CLAIMED: Final = "over_claimed"
NOT_CLAIMED: Final = "not_claimed"
UNDER_CLAIMED: Final = "under_claimed"
STATUSES: Final = (
    NO_DOCUMENTATION, NOTHING_BILLABLE, MATCH, OVER_CLAIMED, NOT_CLAIMED, UNDER_CLAIMED,
)

# Warnings (SPEC §4) and review flags (v2 §8), one row each, in the order of review.parquet.
WARNING_CODE: Final = "code"
REVIEW_KIND: Final = "kind"  # "warning" or "review", the rules table's kind of the code
DETAIL: Final = "detail"
WARNING_COLUMNS: Final = (WARNING_CODE, PROVIDER_ID, CLIENT_ID, STAFF_ID, SERVICE_DATE, DETAIL)
REVIEW_COLUMNS: Final = (
    WARNING_CODE, REVIEW_KIND, PROVIDER_ID, CLIENT_ID, STAFF_ID, SERVICE_DATE, SOURCE_FILE,
    SOURCE_ROW, DETAIL,
)

# Input kinds: the Inputs field, FileReport.kind and the file-name prefix of each (SPEC §1).
SERVICES_KIND: Final = "services"
CLAIMS_KIND: Final = "claims"
RATES_KIND: Final = "rates"
AUTHORIZATIONS_KIND: Final = "authorizations"
INPUT_KINDS: Final = (SERVICES_KIND, CLAIMS_KIND, RATES_KIND, AUTHORIZATIONS_KIND)
