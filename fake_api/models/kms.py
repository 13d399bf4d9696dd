"""KMS keys as ECS sees them: which customer master keys exist in a region, and what encryption a disk or
snapshot ends up with.

KMS keys are regional, like the disks and snapshots they protect: a key of cn-hangzhou cannot encrypt
anything in cn-shanghai, so an encrypted snapshot copied to another region must be encrypted again with a
key of that region. Every account has, in every region, a service key for ECS (alias ``alias/acs/ecs``)
that ``Encrypted=true`` without ``KMSKeyId`` uses; the fake derives its ID from the account and region so
that it is stable across resets. Other keys are seeded (world records or :meth:`FakeCloud.seed_kms_key`):
the fake has no KMS API of its own.

Example::

    backend = FakeCloud("demo").backend("testid", "cn-hangzhou")
    backend.encryption(True, None, "DataDisk.1")          # Encryption(encrypted=True, kms_key_id=<service key>)
    backend.encryption(None, None, "DataDisk.1")          # NOT_ENCRYPTED
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from ..exceptions import (
    InvalidParameterEncryptedIllegal,
    InvalidParameterKMSKeyIdCMKNotEnabled,
    InvalidParameterKMSKeyIdNotFound,
)
from .contention import ContentionRules

__all__ = ["KEY_STATES", "NOT_ENCRYPTED", "SERVICE_KEY_ALIAS", "Encryption", "KmsKey", "KmsRules"]

KEY_STATES: tuple[str, ...] = ("Enabled", "Disabled", "PendingDeletion")
SERVICE_KEY_ALIAS = "alias/acs/ecs"
_SERVICE_KEY_NAMESPACE = uuid.UUID("6f1c2a8e-3d0b-4c55-9a7e-5b8f0e4d2c11")


@dataclass(slots=True)
class KmsKey:
    key_id: str
    description: str = ""
    state: str = "Enabled"
    alias: str = ""

    def to_record(self) -> dict[str, Any]:
        return {"key_id": self.key_id, "description": self.description, "state": self.state, "alias": self.alias}

    @classmethod
    def from_record(cls, record: dict[str, Any], default_id: str) -> KmsKey:
        state = record.get("state", "Enabled")
        if state not in KEY_STATES:
            raise ValueError(f"KMS key state {state!r} is not one of {', '.join(KEY_STATES)}")
        return cls(
            key_id=record.get("key_id") or default_id,
            description=record.get("description", ""),
            state=state,
            alias=record.get("alias", ""),
        )


@dataclass(frozen=True, slots=True)
class Encryption:
    """Whether a disk or snapshot is encrypted, and with which key of its region ("" when it is not)."""

    encrypted: bool
    kms_key_id: str


NOT_ENCRYPTED = Encryption(False, "")


class KmsRules(ContentionRules):
    """The keys of one account in one region, and the encryption rules of disks, snapshots and image copies."""

    def service_key(self) -> KmsKey:
        """The region's ECS service key (created on first use, with an ID stable for the account and region)."""
        key_id = str(uuid.uuid5(_SERVICE_KEY_NAMESPACE, f"{self.access_key_id}/{self.region_id}"))
        key = self.kms_keys.get(key_id)
        if key is None:
            key = self.kms_keys[key_id] = KmsKey(key_id, "Default key of ECS", "Enabled", SERVICE_KEY_ALIAS)
        return key

    def usable_key(self, key_id: str, parameter: str) -> KmsKey:
        self.service_key()  # exists from the start on the real cloud, so it can be named before first use
        key = self.kms_keys.get(key_id)
        if key is None:
            raise InvalidParameterKMSKeyIdNotFound(
                f"The KMS key {key_id[:60]!r} given in {parameter} does not exist in {self.region_id}: KMS keys are "
                "regional, give a key of this region (or Encrypted=true alone for the region's ECS service key)."
            )
        if key.state != "Enabled":
            raise InvalidParameterKMSKeyIdCMKNotEnabled(
                f"The KMS key {key_id} given in {parameter} is {key.state}: enable it, or give another key."
            )
        return key

    def encryption(
        self,
        encrypted: bool | None,
        kms_key_id: str | None,
        parameter: str,
        inherited: Encryption = NOT_ENCRYPTED,
    ) -> Encryption:
        """The encryption a new disk or snapshot gets from ``<parameter>.Encrypted`` / ``.KMSKeyId``.

        ``inherited`` is the encryption of the snapshot it is made from (in this region): data made from an
        encrypted snapshot stays encrypted, with the snapshot's key unless another key of this region is given.
        """
        if kms_key_id and encrypted is not True:
            raise InvalidParameterEncryptedIllegal(
                f"{parameter}.KMSKeyId is given but {parameter}.Encrypted is not true: set it to true to encrypt "
                f"with key {kms_key_id[:60]}."
            )
        if kms_key_id:
            return Encryption(True, self.usable_key(kms_key_id, f"{parameter}.KMSKeyId").key_id)
        if inherited.encrypted:
            return inherited
        if encrypted:
            return Encryption(True, self.service_key().key_id)
        return NOT_ENCRYPTED

    def load_kms_key(self, record: dict[str, Any]) -> KmsKey:
        key = KmsKey.from_record(record, self.cloud.ids.uuid())
        self.kms_keys[key.key_id] = key
        return key
