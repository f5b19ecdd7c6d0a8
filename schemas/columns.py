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

# Optional duration columns a provider may send instead of `minutes` (issue 3).
START_TIME: Final = "start_time"
END_TIME: Final = "end_time"

SERVICES_COLUMNS: Final = (
    SERVICE_ID, PROVIDER_ID, CLIENT_ID, STAFF_ID, SERVICE_DATE, ACTIVITY, MINUTES,
    CLIENT_SPECIFIC, EXTERNAL_PARTICIPANTS, NOTE,
)
SERVICES_REQUIRED: Final = tuple(c for c in SERVICES_COLUMNS if c != EXTERNAL_PARTICIPANTS)
CLAIMS_COLUMNS: Final = (CLAIM_ID, PROVIDER_ID, CLIENT_ID, SERVICE_DATE, UNITS_CLAIMED)
CLAIMS_REQUIRED: Final = (PROVIDER_ID, CLIENT_ID, SERVICE_DATE, UNITS_CLAIMED)
RATES_COLUMNS: Final = (PROVIDER_ID, UNIT_RATE)
RATES_REQUIRED: Final = RATES_COLUMNS

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
REASON_SEPARATOR: Final = ";"

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
CLAIM_LINES: Final = "claim_lines"
CLIENT_DAY_KEY: Final = (PROVIDER_ID, CLIENT_ID, SERVICE_DATE)
CLIENT_DAYS_COLUMNS: Final = (
    PROVIDER_ID, CLIENT_ID, SERVICE_DATE, DOCUMENTED_MINUTES, COUNTABLE_MINUTES, CLAIMED_UNITS,
    ALLOWABLE_UNITS, VARIANCE_UNITS, STATUS, REASONS, UNIT_RATE, CLAIMED_AMOUNT,
    ALLOWABLE_AMOUNT, DISALLOWED_AMOUNT,
)
AMOUNT_COLUMNS: Final = (CLAIMED_AMOUNT, ALLOWABLE_AMOUNT, DISALLOWED_AMOUNT)

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

# Warnings (SPEC §4).
WARNING_CODE: Final = "code"
DETAIL: Final = "detail"
WARNING_COLUMNS: Final = (WARNING_CODE, PROVIDER_ID, CLIENT_ID, STAFF_ID, SERVICE_DATE, DETAIL)

# Input kinds: the Inputs field, FileReport.kind and the file-name prefix of each (SPEC §1).
SERVICES_KIND: Final = "services"
CLAIMS_KIND: Final = "claims"
RATES_KIND: Final = "rates"
INPUT_KINDS: Final = (SERVICES_KIND, CLAIMS_KIND, RATES_KIND)
