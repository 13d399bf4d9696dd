"""Checks of the destination at synth time, after the source is known and before anything is declared.

RunInstances would refuse these minutes later, after the image was made and copied; here they fail at once
with what to change:

* a given vSwitch is in the destination region, in the given VPC (and zone), and has a free address for
  each clone;
* the zone the clones go to exists and offers the instance type (or, when allowed, a type at least as big);
* a key pair the clones need exists in the destination region (key pairs are regional, and the public key
  of the source's cannot be read back to import it), with the source's fingerprint when it is the source's.

Facts come from :mod:`cdk_clone.lookup.destination` (cached in the context file); a refused fact is
forgotten, so the next synth asks again.

Example::

    check_destination(owner, source, props, destination_region="cn-shanghai", zone_id="cn-shanghai-e",
                      key_pair_name="ops")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from cdk_clone.constructs.errors import CloneConfigurationError
from cdk_clone.constructs.props import CloneOptions, _is_token
from cdk_clone.lookup import destination as facts
from cdk_clone.lookup.snapshot import SourceInstance

__all__ = ["check_destination", "given_vswitch"]

_T = TypeVar("_T")


def _look_up(owner: str, what: str, lookup: Callable[[], _T]) -> _T:
    try:
        return lookup()
    except Exception as error:  # no credentials, no endpoint, an API error: all end the same way
        raise CloneConfigurationError(
            f"{owner}: could not look up {what} to check the destination ({type(error).__name__}: {error}); "
            "set credentials (ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET), or fill cdk-clone.context.json by a synth that can"
        ) from error


def given_vswitch(
    owner: str,
    source: SourceInstance,
    props: CloneOptions,
    destination_region: str,
    *,
    sources: int = 1,
) -> facts.DestinationVSwitch | None:
    """The destination vSwitch the user gave, checked (None when none was given, or it is a token: a vSwitch
    declared in the same app cannot be looked up at synth). ``sources``: how many sources' clones it takes
    (a CloneTask's), each ``amount`` times."""
    vswitch_id = props.destination_vswitch_id
    if vswitch_id is None or _is_token(vswitch_id):
        return None
    context = props.context_file
    vswitch = _look_up(
        owner,
        f"vSwitch {vswitch_id} in {destination_region}",
        lambda: facts.lookup_vswitch(vswitch_id, destination_region, context_file=context),
    )
    if vswitch is None:
        elsewhere = ""
        if source.region_id != destination_region:
            found = _look_up(
                owner,
                f"vSwitch {vswitch_id} in {source.region_id}",
                lambda: facts.lookup_vswitch(vswitch_id, source.region_id, context_file=context),
            )
            if found is not None:
                elsewhere = f": it is in {source.region_id}, the source's region"
        raise CloneConfigurationError(
            f"{owner}: destination_vswitch_id={vswitch_id!r} is not a vSwitch of destination region "
            f"{destination_region}{elsewhere}; give a vSwitch of {destination_region}"
        )
    key = facts.vswitch_key(destination_region, vswitch_id)
    vpc_id = props.destination_vpc_id
    if vpc_id is not None and not _is_token(vpc_id) and vswitch.vpc_id != vpc_id:
        facts.forget(key, context_file=context)
        raise CloneConfigurationError(
            f"{owner}: destination_vswitch_id={vswitch_id!r} is in VPC {vswitch.vpc_id}, not in "
            f"destination_vpc_id={vpc_id!r}; give a vSwitch of that VPC, or that vSwitch's VPC"
        )
    if props.destination_zone_id is not None and props.destination_zone_id != vswitch.zone_id:
        facts.forget(key, context_file=context)
        raise CloneConfigurationError(
            f"{owner}: destination_zone_id={props.destination_zone_id!r} differs from the zone of "
            f"destination_vswitch_id={vswitch_id!r} ({vswitch.zone_id}); leave destination_zone_id out, or give "
            "a vSwitch of that zone"
        )
    needed = props.amount * sources
    if vswitch.available_ip_count < needed:
        facts.forget(key, context_file=context)
        clones = f"amount={props.amount}" if sources == 1 else f"{sources} sources x amount={props.amount} = {needed}"
        raise CloneConfigurationError(
            f"{owner}: destination_vswitch_id={vswitch_id!r} ({vswitch.cidr_block}) has "
            f"{vswitch.available_ip_count} free address(es), fewer than {clones} clones need; "
            "give a vSwitch with more free addresses, or lower amount"
        )
    return vswitch


def check_zone(
    owner: str, source: SourceInstance, props: CloneOptions, destination_region: str, zone_id: str
) -> None:
    """``zone_id`` exists in the destination region and offers the source's type (or a similar one)."""
    context = props.context_file
    offers = _look_up(
        owner,
        f"the zones of {destination_region}",
        lambda: facts.lookup_zone_instance_types(destination_region, context_file=context),
    )
    if zone_id not in offers:
        raise CloneConfigurationError(
            f"{owner}: zone {zone_id!r} does not exist in {destination_region} (its zones: "
            f"{', '.join(sorted(offers)) or 'none'}); give destination_zone_id of one of them"
        )
    offered = offers[zone_id]
    if source.instance_type in offered:
        return
    if props.allow_similar_instance_type:
        sizes = _look_up(
            owner,
            f"the instance types of {destination_region}",
            lambda: facts.lookup_instance_type_sizes(destination_region, context_file=context),
        )
        memory_gib = source.memory_mib / 1024
        if any(
            t in sizes and sizes[t].cpu >= source.cpu and sizes[t].memory_gib >= memory_gib for t in offered
        ):
            return
        raise CloneConfigurationError(
            f"{owner}: zone {zone_id} does not offer {source.instance_type}, nor any type with at least "
            f"{source.cpu} vCPU(s) and {memory_gib:g} GiB; give destination_zone_id of another zone"
        )
    raise CloneConfigurationError(
        f"{owner}: zone {zone_id} does not offer {source.instance_type}; give destination_zone_id of another "
        "zone, or allow_similar_instance_type=True"
    )


def check_key_pair(
    owner: str, source: SourceInstance, props: CloneOptions, destination_region: str, key_pair_name: str | None
) -> None:
    """The clones' key pair exists where they are made; the source's, with the source's fingerprint."""
    if key_pair_name is None:
        return
    own = props.key_pair_name is None  # the source's key pair, not one the user named
    if own and destination_region == source.region_id:
        return  # the source uses it there
    context = props.context_file
    fingerprint = _look_up(
        owner,
        f"key pair {key_pair_name} in {destination_region}",
        lambda: facts.lookup_key_pair(key_pair_name, destination_region, context_file=context),
    )
    how = (
        f"import the source's public key there under the same name (ImportKeyPair, e.g. `aliyun ecs "
        f"ImportKeyPair --RegionId {destination_region} --KeyPairName {key_pair_name} --PublicKeyBody "
        f"\"$(cat key.pub)\"`), give key_pair_name=<a key pair of {destination_region}>, or key_pair_name='' "
        "to clone without one"
    )
    if fingerprint is None:
        subject = f"source {source.instance_id}'s key pair" if own else "key_pair_name"
        raise CloneConfigurationError(
            f"{owner}: {subject} {key_pair_name!r} does not exist in {destination_region} (key pairs belong to "
            f"one region, and a public key cannot be read back to copy it): {how}"
        )
    if not own:
        return
    source_fingerprint = _look_up(
        owner,
        f"key pair {key_pair_name} in {source.region_id}",
        lambda: facts.lookup_key_pair(key_pair_name, source.region_id, context_file=context),
    )
    if source_fingerprint and fingerprint and source_fingerprint != fingerprint:
        facts.forget(facts.key_pair_key(destination_region, key_pair_name), context_file=context)
        raise CloneConfigurationError(
            f"{owner}: key pair {key_pair_name!r} of {destination_region} holds another key than the source's "
            f"(fingerprint {fingerprint}, the source's {source_fingerprint}): {how}"
        )


def check_destination(
    owner: str,
    source: SourceInstance,
    props: CloneOptions,
    *,
    destination_region: str,
    zone_id: str | None,
    key_pair_name: str | None,
) -> facts.DestinationVSwitch | None:
    """Every check above; returns the given vSwitch (None when none). ``zone_id`` is the zone of a vSwitch
    replica, or None when the clones join an existing vSwitch (the given one's zone is then checked)."""
    vswitch = given_vswitch(owner, source, props, destination_region)
    if vswitch is not None:
        zone: str | None = vswitch.zone_id
    elif props.destination_vswitch_id is not None:  # declared in the same app: its zone is the one given
        zone = props.destination_zone_id
    else:
        zone = zone_id
    if zone is not None:
        check_zone(owner, source, props, destination_region, zone)
    check_key_pair(owner, source, props, destination_region, key_pair_name)
    return vswitch
