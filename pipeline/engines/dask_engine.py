"""The Dask engine: the pandas engine's own loader and rule functions, run per provider partition.

Every rule looks only within one provider, so a partition holding whole providers is self-contained.
"""

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pipeline import __version__
from pipeline.config import Config
from pipeline.engines.pandas_engine import billing_month
from pipeline.errors import UsageError
from pipeline.ingest.validate import loaded_inputs
from pipeline.result import FileReport, Inputs, Loaded, RunResult
from pipeline.rules.reconcile import Reconciled, applied_authorizations, reconciled_providers
from pipeline.rules.review import cross_provider_warnings, review_table
from schemas.columns import (
    CLAIMS_KIND,
    CLIENT_DAY_KEY,
    PROVIDER_ID,
    RATES_KIND,
    SERVICES_KIND,
)

if TYPE_CHECKING:
    import dask.dataframe as dd
    from distributed import Client, Future

DASK_MISSING = "--engine dask needs the dask extra: pip install .[dask]"
LOCAL_WORKERS = 2
SCHEDULER_TIMEOUT = "10s"
# Reading order as one sortable number: the file's position above these bits, the row's below.
_ROW_BITS = 40
_ORDER = "_order"
_PART = "_part"
_RANK = "_rank"


def dask_month_result(
    inputs: Inputs, month: str, config: Config, scheduler: str | None
) -> RunResult:
    """The month reconciled on Dask: on the scheduler at `scheduler`, else on a local cluster of
    LOCAL_WORKERS processes made and closed here. Equal to the pandas engine's result."""
    month = billing_month(month)
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError(DASK_MISSING) from None
    with dask_client(scheduler) as client:
        return month_result_on_dask(client, inputs, month, config)


@contextmanager
def dask_client(scheduler: str | None) -> Iterator["Client"]:
    """A client of the scheduler at `scheduler`, or of a local cluster made and closed here."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, ValueError) as err:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
        with client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=LOCAL_WORKERS,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def with_helpers(accepted: pd.DataFrame, position: int, partitions: int) -> pd.DataFrame:
    """One file's accepted rows with their reading order and their provider's partition."""
    hashes = pd.util.hash_pandas_object(accepted[PROVIDER_ID], index=False).to_numpy()
    return accepted.assign(
        **{
            _ORDER: (position << _ROW_BITS) + np.arange(len(accepted), dtype=np.int64),
            _PART: (hashes % np.uint64(partitions)).astype(np.int64),
        }
    )


def accepted_rows(loaded: Loaded, kind: str, position: int, partitions: int) -> pd.DataFrame:
    """The accepted rows of one kind of a one-file Loaded, with the helper columns."""
    return with_helpers(getattr(loaded, kind), position, partitions)


def account(loaded: Loaded) -> tuple[pd.DataFrame, tuple[FileReport, ...]]:
    """What a one-file Loaded adds to the month's accounts: its rejected rows and reports."""
    return loaded.rejected, loaded.files


def provider_partitions(
    client: "Client", parts: Sequence["Future"], kind: str, empty: pd.DataFrame, partitions: int
) -> "dd.DataFrame":
    """The parts' rows of one kind in `partitions` partitions, partition i holding every row of
    the providers whose hash is i (its index), so that two kinds of rows line up."""
    import dask.dataframe as dd

    frames = [
        client.submit(accepted_rows, part, kind, position, partitions)
        for position, part in enumerate(parts)
    ]
    frame = dd.from_delayed(frames, meta=with_helpers(empty, 0, partitions))
    # The pickling task shuffle keeps pandas dtypes as they are; p2p would go through Arrow.
    return frame.set_index(
        _PART, divisions=tuple(range(partitions + 1)), shuffle_method="tasks"
    )


def partition_result(
    services: pd.DataFrame,
    claims: pd.DataFrame,
    rates: pd.DataFrame,
    authorizations: pd.DataFrame | None,
    month: str,
    config: Config,
) -> Reconciled:
    """One partition's whole providers through every rule, its rows first put back in reading
    order (the duplicate rule and the claims' allocation depend on it)."""
    claims = claims.sort_values(_ORDER, kind="stable").reset_index(drop=True)
    done = reconciled_providers(
        services.sort_values(_ORDER, kind="stable").reset_index(drop=True),
        claims,
        rates,
        authorizations,
        month,
        config,
    )
    # The claims rows keep their reading order, to be put back in it once gathered.
    return replace(done, claims=done.claims.assign(**{_ORDER: claims[_ORDER].to_numpy()}))


def in_reading_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Gathered rows as the pandas engine orders them, without the helper column."""
    return frame.sort_values(_ORDER, kind="stable").drop(columns=_ORDER).reset_index(drop=True)


def combined_loaded(
    accounts: Sequence[tuple[pd.DataFrame, tuple[FileReport, ...]]],
    claims: Sequence[pd.DataFrame],
    rates: pd.DataFrame,
    authorizations: pd.DataFrame,
    lines: pd.DataFrame,
    empty: Loaded,
) -> Loaded:
    """The month's Loaded from the per-file parts (accounts in reading order), its services
    taken back from the gathered lines rather than gathered a second time."""
    return Loaded(
        services=lines[list(empty.services.columns)],
        claims=pd.concat(claims, ignore_index=True) if claims else empty.claims,
        rates=rates,
        authorizations=authorizations,
        rejected=pd.concat([rejected for rejected, _ in accounts], ignore_index=True),
        files=tuple(report for _, reports in accounts for report in reports),
    )


def month_result_on_dask(client: "Client", inputs: Inputs, month: str, config: Config) -> RunResult:
    """Load each file as one task, split the rows by provider into one partition per worker
    thread, apply the rules to each partition, then the one rule that crosses providers
    (CROSS_PROVIDER_SAME_DAY) to the gathered client-days, and gather the result."""
    from dask import delayed

    run_at = datetime.now().replace(microsecond=0)
    partitions = max(1, sum(client.nthreads().values()))
    empty = loaded_inputs(Inputs((), ()), config)
    services_parts = [
        client.submit(loaded_inputs, Inputs(services=(path,), claims=()), config)
        for path in inputs.services
    ]
    claims_parts = [
        client.submit(loaded_inputs, Inputs((), claims=(path,)), config) for path in inputs.claims
    ]
    # Rates and authorizations are read in one task each: a provider's rate must be unique
    # across the rates files, and an authorization must not overlap one in an earlier file.
    rates_part = client.submit(loaded_inputs, Inputs((), (), rates=inputs.rates), config)
    authorizations_part = client.submit(
        loaded_inputs, Inputs((), (), authorizations=inputs.authorizations), config
    )
    parts = [*services_parts, *claims_parts, rates_part, authorizations_part]
    accounts = [client.submit(account, part) for part in parts]
    claims_frames = [client.submit(attrgetter(CLAIMS_KIND), part) for part in claims_parts]
    rates = client.submit(attrgetter(RATES_KIND), rates_part).result()
    authorizations_loaded = authorizations_part.result()
    authorizations = applied_authorizations(authorizations_loaded)

    services = provider_partitions(
        client, services_parts, SERVICES_KIND, empty.services, partitions
    )
    claims = provider_partitions(client, claims_parts, CLAIMS_KIND, empty.claims, partitions)
    results = [
        delayed(partition_result)(s, c, rates, authorizations, month, config)
        for s, c in zip(services.to_delayed(), claims.to_delayed(), strict=True)
    ]
    done, accounts_pd, claims_pd = client.gather(
        [client.compute(results), accounts, claims_frames]
    )
    lines = in_reading_order(pd.concat([d.lines for d in done], ignore_index=True))
    days = pd.concat([d.days for d in done], ignore_index=True).sort_values(
        list(CLIENT_DAY_KEY), kind="stable", ignore_index=True
    )
    claim_rows = in_reading_order(pd.concat([d.claims for d in done], ignore_index=True))
    providers = pd.concat([d.providers for d in done], ignore_index=True).sort_values(
        PROVIDER_ID, ignore_index=True
    )
    review = review_table([*(d.review for d in done), cross_provider_warnings(days)])
    return RunResult(
        month=month,
        config=config,
        loaded=combined_loaded(
            accounts_pd, claims_pd, rates, authorizations_loaded.authorizations, lines, empty
        ),
        lines=lines,
        days=days,
        claims=claim_rows,
        review=review,
        providers=providers,
        version=__version__,
        run_at=run_at,
    )
