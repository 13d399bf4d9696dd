"""Objects a stack's deployment made that its state does not name: reported, and removed by ``destroy``.

Terraform records an object only once its create returns, and saves its state only from time to time: a run
killed mid-apply leaves objects in the cloud that the state does not know. They carry the stack's
deployment tag (see :mod:`cdk_clone.ownership`), so they can be found: ``cdk-clone deploy`` says what it found
(the deploy adopts them: each resource's create takes over the object with its owner key), and after a
failed deploy what is left; ``cdk-clone destroy`` removes them, each reported by ID, before Terraform destroys
what the state names (an orphan clone would otherwise keep its vSwitch from being deleted).

Example::

    found = find_untracked(stack, terraform)
    for line in describe_untracked(found, next_step="adopt"):
        print(line)
    remove_untracked(found, out=sys.stdout)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from cdk_clone._owned_listings import OwnedListing, reach_digest, write_owned_listings
from cdk_clone.ownership import DEPLOYMENT_TAG, ORIGIN_TAG, OWNER_TAG, deployment_key

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient
    from cdk_clone.cli._project import SynthesizedStack
    from cdk_clone.engine import Terraform

__all__ = [
    "ClientFactory",
    "DeploymentScope",
    "UntrackedObject",
    "announce_untracked",
    "deployment_scopes",
    "describe_untracked",
    "find_untracked",
    "remove_orphans",
    "remove_untracked",
    "tracked_ids",
    "untracked_after_failure",
]

Kind = Literal["instance", "image", "security group", "vSwitch", "VPC"]
#: Makes the API client of a region (and endpoint): the test seam.
ClientFactory = Callable[[str, str | None], "AlibabaCloudClient"]

# What each kind is, how it is listed by tag, and its ID field. The order is the order of removal: what
# depends on an object goes before it (instances hold vSwitches and groups; vSwitches and groups hold VPCs).
_KINDS: tuple[tuple[Kind, str, str, str, str, dict[str, Any]], ...] = (
    ("instance", "ecs", "DescribeInstances", "Instances.Instance", "InstanceId", {}),
    (
        "image",
        "ecs",
        "DescribeImages",
        "Images.Image",
        "ImageId",
        {"ImageOwnerAlias": "self", "Status": "Creating,Waiting,Available,UnAvailable,CreateFailed,Deprecated"},
    ),
    ("security group", "ecs", "DescribeSecurityGroups", "SecurityGroups.SecurityGroup", "SecurityGroupId", {}),
    ("vSwitch", "vpc", "DescribeVSwitches", "VSwitches.VSwitch", "VSwitchId", {}),
    ("VPC", "vpc", "DescribeVpcs", "Vpcs.Vpc", "VpcId", {}),
)
_REMOVAL_ORDER: tuple[Kind, ...] = tuple(kind for kind, *_ in _KINDS)
# The provider's names of the kinds (cdk_clone.provider._adoption), for the listings handed to it.
_PROVIDER_KINDS: dict[Kind, str] = {
    "instance": "instance", "image": "image", "security group": "securitygroup", "vSwitch": "vswitch", "VPC": "vpc",
}
# Codes that pass by themselves while what depended on an object is still going away.
_WAIT_CODES = ("DependencyViolation", "IncorrectVSwitchStatus", "IncorrectVpcStatus", "OperationConflict",
               "OperationDenied.ImageCopying", "IncorrectImageStatus", "TaskConflict", "IncorrectInstanceStatus",
               "LastTokenProcessing")


@dataclass(frozen=True)
class DeploymentScope:
    """Where a stack's objects live: a region (and endpoint) and the deployment keys of its providers there."""

    region: str
    endpoint: str | None
    deployment_keys: frozenset[str]


@dataclass(frozen=True)
class UntrackedObject:
    """An object carrying the stack's deployment tag that no resource of its state names."""

    region: str
    kind: Kind
    object_id: str
    status: str
    origin: str
    is_copy: bool = False
    endpoint: str | None = None

    def describe(self) -> str:
        made_by = f" ({self.origin})" if self.origin else ""
        status = f", {self.status}" if self.status else ""
        return f"{self.kind} {self.object_id} in {self.region}{status}{made_by}"


def deployment_scopes(config_file: Path, working_directory: Path) -> list[DeploymentScope]:
    """The regions of the stack's ``ecsclone`` providers and the deployment each names (from cdk.tf.json).

    A provider without ``deployment`` belongs to ``dir:<the directory Terraform runs in>``, as the provider
    itself decides.
    """
    document = json.loads(config_file.read_text(encoding="utf-8"))
    providers = (document.get("provider") or {}).get("ecsclone") or []
    if isinstance(providers, dict):
        providers = [providers]
    scopes: dict[tuple[str, str | None], set[str]] = {}
    for provider in providers:
        region = provider.get("region")
        if not isinstance(region, str) or "${" in region:
            continue
        deployment = provider.get("deployment") or f"dir:{working_directory.resolve()}"
        scopes.setdefault((region, provider.get("endpoint") or None), set()).add(deployment_key(str(deployment)))
    return [DeploymentScope(region, endpoint, frozenset(keys)) for (region, endpoint), keys in sorted(scopes.items(), key=str)]


def tracked_ids(terraform: Terraform) -> set[str]:
    """Every object ID the state names (resource IDs and an instance group's instances)."""
    shown = terraform.show_json()
    ids: set[str] = set()
    for module in _modules(shown.get("values", {}).get("root_module", {})):
        for resource in module.get("resources", []):
            values = resource.get("values") or {}
            if isinstance(values.get("id"), str):
                ids.add(values["id"])
            ids.update(i for i in values.get("instance_ids") or [] if isinstance(i, str))
    return ids


def _modules(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield module
    for child in module.get("child_modules", []) or []:
        yield from _modules(child)


def find_untracked(
    stack: SynthesizedStack,
    terraform: Terraform,
    *,
    client_for: ClientFactory | None = None,
    listings: list[OwnedListing] | None = None,
) -> list[UntrackedObject]:
    """The objects of the stack's deployment that its state does not name, in removal order. ``listings``
    receives the owner keys of every listing made (tracked objects included), for the provider."""
    scopes = deployment_scopes(stack.config_file, stack.working_directory)
    if not scopes:
        return []
    tracked = tracked_ids(terraform) if (stack.working_directory / ".terraform").exists() else set()
    found: list[UntrackedObject] = []
    for scope in scopes:
        with (client_for or _client)(scope.region, scope.endpoint) as client:
            found.extend(o for o in _tagged(client, scope, listings) if o.object_id not in tracked)
    return sorted(found, key=lambda o: (_REMOVAL_ORDER.index(o.kind), not o.is_copy, o.region, o.object_id))


def _client(region: str, endpoint: str | None) -> AlibabaCloudClient:
    from cdk_clone.api import AlibabaCloudClient

    return AlibabaCloudClient(region, endpoint=endpoint)


def _tagged(
    client: AlibabaCloudClient, scope: DeploymentScope, listings: list[OwnedListing] | None = None
) -> Iterable[UntrackedObject]:
    reach = reach_digest(*client.reach("ecs", scope.region)) if listings is not None else ""
    for key in sorted(scope.deployment_keys):
        for kind, service, action, items, id_field, extra in _KINDS:
            params = {**extra, "Tag": [{"Key": DEPLOYMENT_TAG, "Value": key}]}
            # The provider's adoption look-up makes this very listing (same filters): it is handed over.
            tagged = [(o, _tags(o)) for o in client.paginate(service, action, params, items=items)]
            tagged = [(o, tags) for o, tags in tagged if tags.get(DEPLOYMENT_TAG) == key]
            if listings is not None:
                owners = frozenset(tags[OWNER_TAG] for _, tags in tagged if OWNER_TAG in tags)
                listings.append(OwnedListing(scope.region, reach, key, _PROVIDER_KINDS[kind], owners))
            for found, tags in tagged:
                yield UntrackedObject(
                    region=scope.region,
                    kind=kind,
                    object_id=str(found[id_field]),
                    status=str(found.get("Status") or ""),
                    origin=tags.get(ORIGIN_TAG, ""),
                    is_copy=bool(found.get("IsCopied")),
                    endpoint=scope.endpoint,
                )


def _tags(described: dict[str, Any]) -> dict[str, str]:
    return {
        str(t.get("TagKey", t.get("Key"))): str(t.get("TagValue", t.get("Value", "")) or "")
        for t in (described.get("Tags") or {}).get("Tag", []) or []
    }


def describe_untracked(objects: list[UntrackedObject], *, next_step: Literal["adopt", "remove", "left"]) -> list[str]:
    """Lines telling the user what is untracked and what happens to it."""
    if not objects:
        return []
    head = {
        "adopt": f"{len(objects)} object(s) made by an interrupted run are not in the state; this deploy adopts them:",
        "remove": f"{len(objects)} object(s) of this stack are not in its state (left by an interrupted run); "
        "removing them:",
        "left": f"{len(objects)} object(s) of this stack are not in its state. The next `cdk-clone deploy` adopts "
        "them (or `cdk-clone destroy` removes them):",
    }[next_step]
    return [head, *(f"  - {o.describe()}" for o in objects)]


def remove_untracked(
    objects: list[UntrackedObject],
    *,
    out: TextIO,
    client_for: ClientFactory | None = None,
    timeout: float = 600.0,
    pause: float = 0.5,
) -> None:
    """Delete ``objects`` in dependency order (instances first, VPCs last), printing each by ID when it is gone."""
    by_region: dict[tuple[str, str | None], list[UntrackedObject]] = {}
    for item in objects:
        by_region.setdefault((item.region, item.endpoint), []).append(item)
    for (region, endpoint), items in by_region.items():
        with (client_for or _client)(region, endpoint) as client:
            for kind in _REMOVAL_ORDER:
                for item in (i for i in items if i.kind == kind):
                    _remove(client, item, timeout=timeout, pause=pause)
                    out.write(f"  removed {item.describe()}\n")
                    out.flush()


def _remove(client: AlibabaCloudClient, item: UntrackedObject, *, timeout: float, pause: float) -> None:
    deadline = time.monotonic() + timeout
    oid = item.object_id
    if item.kind == "instance":
        _release_instance(client, oid, deadline, pause)
    elif item.kind == "image":
        _remove_image(client, oid, deadline, pause)
    elif item.kind == "security group":
        _until_done(lambda: client.ecs("DeleteSecurityGroup", {"SecurityGroupId": oid}), deadline, pause)
        _until_gone(
            lambda: client.ecs("DescribeSecurityGroups", {"SecurityGroupIds": json.dumps([oid])})["SecurityGroups"][
                "SecurityGroup"
            ],
            deadline, pause, f"security group {oid}",
        )
    elif item.kind == "vSwitch":
        _until_done(lambda: client.vpc("DeleteVSwitch", {"VSwitchId": oid}), deadline, pause)
        _until_gone(lambda: client.vpc("DescribeVSwitches", {"VSwitchId": oid})["VSwitches"]["VSwitch"],
                    deadline, pause, f"vSwitch {oid}")
    else:
        # Alibaba shows a deleted VPC for a moment after DeleteVpc answers: reported removed once it is gone.
        _until_done(lambda: client.vpc("DeleteVpc", {"VpcId": oid}), deadline, pause)
        _until_gone(lambda: client.vpc("DescribeVpcs", {"VpcId": oid})["Vpcs"]["Vpc"], deadline, pause, f"VPC {oid}")


def _release_instance(client: AlibabaCloudClient, instance_id: str, deadline: float, pause: float) -> None:
    """Release an orphan clone as the provider releases its own: release protection lifted, a subscription
    converted to pay-as-you-go first (Alibaba refuses to release it before), then DeleteInstances."""

    def describe() -> list[dict[str, Any]]:
        answer = client.ecs("DescribeInstances", {"InstanceIds": json.dumps([instance_id])})
        found: list[dict[str, Any]] = answer["Instances"]["Instance"]
        return found

    found = describe()
    if not found:
        return
    if found[0].get("DeletionProtection"):
        _until_done(
            lambda: client.ecs("ModifyInstanceAttribute", {"InstanceId": instance_id, "DeletionProtection": False}),
            deadline,
            pause,
        )
    if found[0].get("InstanceChargeType") == "PrePaid":
        _until_done(
            lambda: client.ecs(
                "ModifyInstanceChargeType",
                {"InstanceIds": json.dumps([instance_id]), "InstanceChargeType": "PostPaid", "AutoPay": True},
            ),
            deadline,
            pause,
        )
    _until_done(lambda: client.ecs("DeleteInstances", {"InstanceId": [instance_id], "Force": True}), deadline, pause)
    _until_gone(describe, deadline, pause, f"instance {instance_id}")


def _remove_image(client: AlibabaCloudClient, image_id: str, deadline: float, pause: float) -> None:
    from cdk_clone.api import ApiError

    statuses = "Creating,Waiting,Available,UnAvailable,CreateFailed,Deprecated"

    def describe() -> list[dict[str, Any]]:
        answer = client.ecs("DescribeImages", {"ImageId": image_id, "Status": statuses})
        images: list[dict[str, Any]] = answer.get("Images", {}).get("Image", [])
        return images

    while True:
        images = describe()
        if not images:
            return
        image = images[0]
        try:
            if image.get("IsCopied") and image.get("Status") in ("Creating", "Waiting"):
                client.ecs("CancelCopyImage", {"ImageId": image_id})
            elif image.get("Status") in ("Creating", "Waiting"):
                pass  # an image being made cannot be deleted yet: wait for it
            else:
                client.ecs("DeleteImage", {"ImageId": image_id, "Force": True})
                # DeleteImage leaves the image's snapshots; they were made for it alone.
                mappings = (image.get("DiskDeviceMappings") or {}).get("DiskDeviceMapping") or []
                for snapshot_id in sorted({str(m["SnapshotId"]) for m in mappings if m.get("SnapshotId")}):
                    forget = {"SnapshotId": snapshot_id, "Force": True}
                    _until_done(partial(client.ecs, "DeleteSnapshot", forget), deadline, pause)
                return
        except ApiError as error:
            if not (error.is_not_found or error.code.startswith(_WAIT_CODES)):
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"image {image_id} could not be removed in time; delete it by hand")
        time.sleep(pause)


def _until_done(call: Callable[[], object], deadline: float, pause: float) -> None:
    """``call()`` until it succeeds; an object already gone is done, a dependency still going away waits."""
    from cdk_clone.api import ApiError

    while True:
        try:
            call()
            return
        except ApiError as error:
            if error.is_not_found:
                return
            if not error.code.startswith(_WAIT_CODES) or time.monotonic() > deadline:
                raise
        time.sleep(pause)


def _until_gone(describe: Callable[[], list[Any]], deadline: float, pause: float, what: str) -> None:
    while describe():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} is still there; check it by hand")
        time.sleep(pause)


# ---- what deploy and destroy call --------------------------------------------------------------------------


def announce_untracked(
    stack: SynthesizedStack, terraform: Terraform, out: TextIO, *, listing_file: Path | None = None
) -> None:
    """Before a deploy: say what an interrupted run left, which this deploy adopts. With ``listing_file``, the
    listings made to find it are written there for the provider (see :mod:`cdk_clone._owned_listings`)."""
    listings: list[OwnedListing] = []

    def find() -> list[str]:
        found = find_untracked(stack, terraform, listings=listings)
        if listing_file is not None:
            write_owned_listings(listing_file, listings)
        return describe_untracked(found, next_step="adopt")

    lines = _safely(find)
    if lines:
        out.write("\n".join(lines) + "\n")
        out.flush()


def untracked_after_failure(stack: SynthesizedStack, terraform: Terraform) -> list[str]:
    """After a failed deploy: lines naming what the state does not hold, and that the next deploy adopts it."""
    return _safely(lambda: describe_untracked(find_untracked(stack, terraform), next_step="left"))


def remove_orphans(stack: SynthesizedStack, terraform: Terraform, out: TextIO) -> int:
    """Before a destroy: remove what the deployment made that its state does not name; how many were removed."""
    found = find_untracked(stack, terraform)
    if found:
        out.write(describe_untracked(found, next_step="remove")[0] + "\n")
        remove_untracked(found, out=out)
    return len(found)


def _safely(find: Callable[[], list[str]]) -> list[str]:
    # A report about leftovers must never hide the deploy's own outcome: a failure to look is said in a line.
    from cdk_clone.api import ApiConnectionError, ApiError

    try:
        return find()
    except (ApiError, ApiConnectionError) as error:
        return [f"(could not look for objects left by an interrupted run: {error})"]
