"""What every ecsclone resource shares: its schema, error reporting, timeouts and state shape.

A resource subclass implements ``create_object``, ``read_object``, ``update_object``, ``delete_object`` and
``import_object``; this base turns anything they raise into a Terraform diagnostic that names the
attribute, the Alibaba error code and the request id (a raised exception would otherwise reach the user
as an opaque "Plugin error").
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, ParamSpec, TypeVar

from tf.iface import (
    Config,
    CreateContext,
    DeleteContext,
    ImportContext,
    PlanContext,
    ReadContext,
    State,
    UpdateContext,
    UpgradeContext,
)
from tf.schema import Schema
from tf.types import Unknown
from tf.utils import Diagnostics

from cdk_clone.schema import ResourceSchema

from ._schema_bridge import complete_state, tf_schema
from ._timeouts import Operation, parse_duration, timeout_seconds

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient

    from ._provider import EcsClonePlugin

__all__ = [
    "EcsCloneResource",
    "ResourceError",
    "error_path",
    "if_exists",
    "is_known",
    "known_values",
    "observed",
    "report_failure",
    "reporting_failures",
    "vpc_lock",
]

T = TypeVar("T")
P = ParamSpec("P")


class ResourceError(Exception):
    """A failure to show the user as one diagnostic: a summary, what to do, and the attribute at fault."""

    def __init__(self, summary: str, detail: str = "", path: list[str] | None = None) -> None:
        super().__init__(summary)
        self.summary = summary
        self.detail = detail
        self.path = path


def is_known(value: Any) -> bool:
    """A configuration value that is set and already known at plan time."""
    return value is not None and value is not Unknown


# Which attribute an Alibaba error code is about, by code prefix: the diagnostic then points at that
# attribute in the user's configuration. Only attributes that the resource has are used.
_CODE_PATHS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("InvalidImageName", ("image_name",)),
    ("InvalidDescription", ("description",)),
    ("InvalidInstanceId", ("instance_id",)),
    ("IncorrectInstanceStatus", ("instance_id",)),
    ("InvalidImageId", ("image_id", "source_image_id")),
    ("IncorrectImageStatus", ("source_image_id", "image_id")),
    ("InvalidRegionId", ("source_region_id",)),
    ("IncorrectDestinationRegion", ("source_region_id",)),
    ("InvalidVpcId", ("vpc_id",)),
    ("InvalidVpcName", ("vpc_name",)),
    ("InvalidVSwitchId", ("vswitch_id",)),
    ("InvalidVSwitchName", ("vswitch_name",)),
    ("InvalidZoneId", ("zone_id",)),
    ("Zone.", ("zone_id",)),
    ("InvalidCidrBlock", ("cidr_block",)),
    ("InvalidCirdrBlock", ("cidr_block",)),
    ("InvalidSecurityGroupId", ("security_group_ids", "id")),
    ("InvalidSecurityGroupName", ("security_group_name",)),
    ("InvalidIpProtocol", ("ingress", "egress")),
    ("InvalidPolicy", ("ingress", "egress")),
    ("InvalidPriority", ("ingress", "egress")),
    ("InvalidPortRange", ("ingress", "egress")),
    ("InvalidInstanceType", ("instance_type",)),
    ("OperationDenied.NoStock", ("instance_type",)),
    ("InvalidPrivateIpAddress", ("private_ip",)),
    ("InvalidInstanceName", ("instance_name",)),
    ("InvalidHostName", ("host_name",)),
    ("QuotaExceed", ("amount", "image_name", "security_group_name")),
    ("InvalidInstanceChargeType", ("instance_charge_type",)),
    ("InvalidPeriod", ("period",)),
    ("InvalidSystemDisk", ("system_disk_category", "system_disk_size")),
    ("InvalidParameter.Bandwidth", ("internet_max_bandwidth_out",)),
)


def error_path(resource: ResourceSchema, code: str) -> list[str] | None:
    """The attribute an API error code points at in ``resource``, if one fits."""
    names = {f.name for f in resource.fields} | {b.name for b in resource.blocks}
    for prefix, candidates in _CODE_PATHS:
        if code.startswith(prefix):
            for candidate in candidates:
                if candidate in names:
                    return [candidate]
    return None


class EcsCloneResource:
    """Base of the ecsclone resource types; ``spec`` is the type's entry in :mod:`cdk_clone.schema`.

    Example::

        class VpcResource(EcsCloneResource):
            spec = VPC
            def create_object(self, planned): ...
    """

    spec: ClassVar[ResourceSchema]

    def __init__(self, provider: EcsClonePlugin) -> None:
        self.provider = provider
        # Set by create/update as soon as the object exists, so a later failure (a wait timing out) still
        # records it in the state (as tainted) instead of leaking it.
        self.partial_state: dict[str, Any] | None = None
        # True while importing: reads then take optional values from the API instead of keeping nulls.
        self.importing = False

    # ---- what tf asks of every resource type -------------------------------------------------------

    @classmethod
    def get_name(cls) -> str:
        return cls.spec.type_name.removeprefix("ecsclone_")

    @classmethod
    def get_schema(cls) -> Schema:
        return tf_schema(cls.spec)

    def validate(self, diags: Diagnostics, type_name: str, config: Config) -> None:
        timeouts = config.get("timeouts")
        if isinstance(timeouts, dict):
            for operation, text in timeouts.items():
                if isinstance(text, str):
                    try:
                        parse_duration(text)
                    except ValueError as error:
                        diags.add_error("Invalid timeout", str(error), path=["timeouts", operation])
        try:
            self.check_config(diags, config)
        except Exception as error:  # noqa: BLE001 - every failure must become a diagnostic
            diags.add_error(
                f"{type_name}: the configuration could not be checked",
                f"{type(error).__name__}: {error}. This is a bug in the ecsclone provider; please report it.",
            )

    def check_config(self, diags: Diagnostics, config: Config) -> None:
        """Resource-specific input checks; values may be None (unset) or Unknown (known only at apply)."""

    def upgrade(self, ctx: UpgradeContext, version: int, old: State) -> State:
        # One schema version so far: keep the state, adding keys a newer schema introduced.
        return complete_state(self.spec, {k: v for k, v in old.items() if k in self._known_keys()})

    def plan(self, ctx: PlanContext, current: State | None, planned: State) -> State:
        if current is None:
            return planned
        try:
            return self.plan_update(ctx.diagnostics, current, planned)
        except Exception as error:  # noqa: BLE001 - every failure must become a diagnostic
            self._report(ctx.diagnostics, error, "plan")
            return planned

    def plan_update(self, diags: Diagnostics, current: State, planned: State) -> State:
        """Adjust an update plan (mark computed values that will change as Unknown)."""
        return planned

    def create(self, ctx: CreateContext, planned: State) -> State | None:
        with self._reporting(ctx.diagnostics, "create"):
            return self._as_configured(planned, self.create_object(ctx.diagnostics, planned))
        return self._partial()

    def read(self, ctx: ReadContext, current: State) -> State | None:
        with self._reporting(ctx.diagnostics, "read"):
            found = self.read_object(ctx.diagnostics, current)
            return None if found is None else complete_state(self.spec, found)
        return current

    def update(self, ctx: UpdateContext, current: State, planned: State) -> State | None:
        with self._reporting(ctx.diagnostics, "update"):
            return self._as_configured(planned, self.update_object(ctx.diagnostics, current, planned))
        return self._partial() or current

    def delete(self, ctx: DeleteContext, current: State) -> None:
        with self._reporting(ctx.diagnostics, "delete"):
            self.delete_object(ctx.diagnostics, current)

    def import_(self, ctx: ImportContext, id: str) -> State | None:
        self.importing = True
        with self._reporting(ctx.diagnostics, "import"):
            found = self.import_object(ctx.diagnostics, id.strip())
            if found is None:
                raise ResourceError(
                    f"Cannot import {self.spec.type_name}: {id} was not found",
                    f"No {self.spec.type_name} with ID {id!r} exists in region {self.provider.region}.",
                )
            return complete_state(self.spec, found)
        return None

    # ---- what subclasses implement -----------------------------------------------------------------

    def create_object(self, diags: Diagnostics, planned: State) -> dict[str, Any]:
        raise NotImplementedError

    def read_object(self, diags: Diagnostics, current: State) -> dict[str, Any] | None:
        raise NotImplementedError

    def update_object(self, diags: Diagnostics, current: State, planned: State) -> dict[str, Any]:
        raise NotImplementedError

    def delete_object(self, diags: Diagnostics, current: State) -> None:
        raise NotImplementedError

    def import_object(self, diags: Diagnostics, object_id: str) -> dict[str, Any] | None:
        # Reading needs only the ID for most types; the rest of the state comes back from the API.
        return self.read_object(diags, complete_state(self.spec, {"id": object_id}))

    # ---- helpers -----------------------------------------------------------------------------------

    @property
    def client(self) -> AlibabaCloudClient:
        return self.provider.client

    def timeout(self, state: Mapping[str, Any], operation: Operation) -> float:
        return timeout_seconds(self.spec, dict(state), operation)

    def wait(
        self,
        probe: Callable[[], T | None],
        *,
        ready: Callable[[T], bool],
        timeout: float,
        what: str,
        failed: Callable[[T], str | None] | None = None,
        progress: Callable[[T], float | None] | None = None,
        on_poll: Callable[[T], None] | None = None,
    ) -> T:
        """Poll until ready (see :func:`cdk_clone.api.wait_for`): ``progress`` gives the object's percentage
        when it reports one, so polls come when it should be done; ``on_poll`` sees each value polled."""
        from cdk_clone.api import wait_for

        return wait_for(
            probe,
            ready=ready,
            failed=failed or (lambda _: None),
            timeout=timeout,
            what=what,
            interval=self.provider.poll_interval,
            progress=progress,
            on_poll=on_poll,
            backoff=self.client.backoff,
        )

    def when_free(
        self,
        call: Callable[[], T],
        *,
        codes: tuple[str, ...],
        state: Mapping[str, Any],
        operation: Operation,
        what: str,
    ) -> T:
        """``call()``, sent again while the object it acts on is busy with something that passes by itself
        (``codes``: see :mod:`cdk_clone.api`'s ``*_CODES``), within the operation's timeout; then the last
        error, saying how long it lasted."""
        from cdk_clone.api import retry_while_busy

        return retry_while_busy(
            call,
            codes=codes,
            timeout=self.timeout(state, operation),
            what=what,
            interval=max(self.provider.poll_interval, 0.05),
        )

    def wait_gone(self, describe: Callable[[], object | None], *, timeout: float, what: str) -> None:
        """Wait until ``describe()`` finds nothing any more (None or empty), as after a delete."""
        self.wait(
            lambda: "present" if describe() else "gone",
            ready=lambda marker: marker == "gone",
            timeout=timeout,
            what=what,
        )

    def _as_configured(self, planned: State, values: dict[str, Any]) -> State:
        """The state after a successful create or update: what the user configured, plus what the API computed.

        Terraform insists that a configured (non-computed) attribute comes back exactly as planned; an API
        that does not echo a value (or spells it differently) must not break the apply. Later reads are
        what notice real drift.
        """
        # Nothing may stay unknown after an apply: a value the API did not give is null.
        state = complete_state(self.spec, known_values(values))
        for f in self.spec.fields:
            if not f.computed and f.name in planned:
                state[f.name] = planned[f.name]
        for b in self.spec.blocks:
            if b.name in planned:
                state[b.name] = planned[b.name]
        return state

    def _partial(self) -> State | None:
        return None if self.partial_state is None else complete_state(self.spec, self.partial_state)

    def _known_keys(self) -> set[str]:
        return {f.name for f in self.spec.fields} | {b.name for b in self.spec.blocks}

    def _reporting(self, diags: Diagnostics, operation: str) -> AbstractContextManager[None]:
        return reporting_failures(diags, self.spec, operation)

    def _report(self, diags: Diagnostics, error: Exception, operation: str) -> None:
        report_failure(diags, self.spec, error, operation)


@contextmanager
def reporting_failures(diags: Diagnostics, spec: ResourceSchema, operation: str) -> Iterator[None]:
    """Turns any failure inside the block into a diagnostic (a raised exception would be an opaque plugin error)."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - every failure must become a diagnostic
        report_failure(diags, spec, error, operation)


def report_failure(diags: Diagnostics, spec: ResourceSchema, error: Exception, operation: str) -> None:
    """One diagnostic for ``error``: the Alibaba code, request ID and attribute at fault, or what to do."""
    from cdk_clone.api import ApiError, WaitFailed, WaitTimeout

    what = f"{spec.type_name}: {operation}"
    if isinstance(error, ResourceError):
        diags.add_error(error.summary, error.detail, path=error.path)
    elif isinstance(error, ApiError):
        detail = f"{error}"
        if error.request_id:
            detail += f"\nRequest ID: {error.request_id}"
        if error.recommend:
            detail += f"\nDiagnosis: {error.recommend}"
        diags.add_error(
            f"{what} failed: {error.action or 'API call'} returned {error.code}",
            detail,
            path=error_path(spec, error.code),
        )
    elif isinstance(error, WaitTimeout):
        diags.add_error(
            f"{what} timed out",
            f"{error}. The object may still become ready: raise timeouts.{operation} in the resource's "
            "timeouts block and apply again.",
            path=["timeouts"],
        )
    elif isinstance(error, WaitFailed):
        diags.add_error(f"{what} failed", str(error))
    else:
        diags.add_error(
            f"{what} failed unexpectedly: {type(error).__name__}: {error}",
            "This is a bug in the ecsclone provider; please report it with this trace:\n"
            + "".join(traceback.format_exception(error)),
        )


# One lock per VPC for the whole provider process: the VPC API refuses concurrent vSwitch creation in a
# VPC, and Terraform calls the provider from several threads at once.
_vpc_locks: dict[str, threading.Lock] = {}
_vpc_locks_guard = threading.Lock()


def vpc_lock(vpc_id: str) -> threading.Lock:
    with _vpc_locks_guard:
        return _vpc_locks.setdefault(vpc_id, threading.Lock())


def observed(prior: Any, api_value: Any, *, importing: bool = False) -> Any:
    """The state value of an optional, non-computed attribute after reading it back from the API.

    Where the user left the attribute unset (null), the API's default or a value set elsewhere must not
    show up as a change to revert on every plan, so null stays null; an import takes what the API has.
    """
    if api_value is None or api_value == "":
        return None if prior is None or prior == "" else api_value
    if prior is None and not importing:
        return None
    return api_value


def if_exists(call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
    """``call(*args, **kwargs)``, or None when the API answers that the object it names does not exist (any
    more): for describing an object that may be gone, and for deleting one that may be gone already.

    Example::

        if_exists(client.ecs, "DeleteImage", {"ImageId": image_id, "Force": True})
    """
    from cdk_clone.api import ApiError

    try:
        return call(*args, **kwargs)
    except ApiError as error:
        if error.is_not_found:
            return None
        raise


def known_values(planned: Mapping[str, Any]) -> dict[str, Any]:
    """The planned values with Unknown ones as None: what a state may hold before the API fills them in."""
    return {k: (None if v is Unknown else v) for k, v in planned.items()}
