"""Looking at the fake cloud from a test: its state, and raw API calls made behind Terraform's back."""

from __future__ import annotations

from typing import Any

from cdk_clone.api import AlibabaCloudClient, Credentials


def objects(fake: Any, kind: str, region: str = "cn-hangzhou") -> list[dict[str, Any]]:
    """The fake's objects of one kind (``vpcs``, ``vswitches``, ``security_groups``, ``images``, ``instances``)."""
    regions: dict[str, Any] = fake.cloud.dump()["accounts"][fake.access_key_id]["regions"]
    found: list[dict[str, Any]] = regions.get(region, {}).get(kind, [])
    return found


def client(fake: Any, region: str = "cn-hangzhou") -> AlibabaCloudClient:
    """An API client of the fake, to change things behind Terraform's back."""
    return AlibabaCloudClient(
        region,
        credentials=Credentials(fake.access_key_id, fake.access_key_secret),
        endpoint=fake.url,
    )
