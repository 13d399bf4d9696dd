"""SSH key pairs: regional, named uniquely per region, created (the fake generates a real RSA key and answers the
private key once, as PEM PKCS#8) or imported from a public key; bound to Linux instances by RunInstances
``KeyPairName``; refused for deletion while instances use them.

The fingerprint is the MD5 of the public key blob, colon-separated (RFC 4716), as Alibaba shows it.

Example::

    backend = FakeCloud("demo").backend("testid", "cn-hangzhou")
    key, private_pem = backend.create_key_pair("deploy-key")
    backend.import_key_pair("deploy-key-copy", key.public_key).fingerprint == key.fingerprint     # True
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import hashlib
import struct
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import (
    DependencyViolationKeyPair,
    DryRunOperation,
    InvalidKeyPairNameMalformed,
    InvalidKeyPairNameNotFound,
    InvalidPublicKeyBodyMalformed,
    KeyPairAlreadyExist,
    QuotaExceedKeyPair,
)
from .base import RegionState, Selection, iso_time
from .tags import TagFilter, matches_tags
from .validation import check_resource_tags, letter_name

__all__ = ["KEY_PAIR_QUOTA", "PUBLIC_KEY_TYPES", "KeyPair", "KeyPairRules", "public_key_fingerprint"]

KEY_PAIR_QUOTA = 500  # per region
# Key types ImportKeyPair accepts (the API reference's list; its "rsa", "dsa" and "ecdsa" are these).
PUBLIC_KEY_TYPES: tuple[str, ...] = (
    "ssh-rsa",
    "ssh-dss",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "ssh-rsa-cert-v00@openssh.com",
    "ssh-dss-cert-v00@openssh.com",
    "ssh-rsa-cert-v01@openssh.com",
    "ssh-dss-cert-v01@openssh.com",
    "ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "ecdsa-sha2-nistp384-cert-v01@openssh.com",
    "ecdsa-sha2-nistp521-cert-v01@openssh.com",
)


@dataclass(slots=True)
class KeyPair:
    key_pair_id: str
    name: str
    public_key: str  # OpenSSH form: "<type> <base64 blob>"
    fingerprint: str
    creation_time: str
    resource_group_id: str = ""
    tags: dict[str, str] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        return {
            "key_pair_id": self.key_pair_id,
            "name": self.name,
            "public_key": self.public_key,
            "fingerprint": self.fingerprint,
            "creation_time": self.creation_time,
            "resource_group_id": self.resource_group_id,
            "tags": dict(self.tags),
        }


def public_key_fingerprint(public_key: str) -> str:
    """The MD5 fingerprint of an OpenSSH public key line, refusing what is not one of the accepted types."""
    parts = public_key.strip().split()
    if len(parts) < 2 or parts[0] not in PUBLIC_KEY_TYPES:
        raise InvalidPublicKeyBodyMalformed(
            f"PublicKeyBody must be an OpenSSH public key line '<type> <base64> [comment]' with type one of "
            f"{', '.join(PUBLIC_KEY_TYPES[:5])} (or their certificates); got {public_key[:40]!r}."
        )
    try:
        blob = base64.b64decode(parts[1], validate=True)
        (length,) = struct.unpack(">I", blob[:4])
        embedded = blob[4 : 4 + length].decode("ascii")
    except (binascii.Error, struct.error, UnicodeDecodeError, ValueError):
        raise InvalidPublicKeyBodyMalformed("PublicKeyBody's key data is not valid base64 of an SSH public key.") from None
    if embedded != parts[0]:
        raise InvalidPublicKeyBodyMalformed(f"PublicKeyBody says {parts[0]} but its key data is of type {embedded[:40]!r}.")
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def _new_rsa_key() -> tuple[str, str]:
    """A fresh RSA key: (OpenSSH public key line, PEM PKCS#8 private key), as CreateKeyPair answers."""
    from cryptography.hazmat.primitives import serialization  # imported on use: only CreateKeyPair needs it
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    public_line = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return public_line.decode("ascii"), private_pem


class KeyPairRules(RegionState):
    """CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPairs, and the key pairs launches name."""

    def get_key_pair(self, name: str, parameter: str = "KeyPairName") -> KeyPair:
        key = self.key_pairs.get(name)
        if key is None:
            raise InvalidKeyPairNameNotFound(
                f"{parameter} {name[:80]!r} is not a key pair of this account in {self.region_id}: key pairs are "
                "regional (import the public key into this region with ImportKeyPair)."
            )
        return key

    def check_new_key_pair(
        self, name: str, resource_group_id: str | None, tags: dict[str, str], public_key: str | None = None
    ) -> str:
        """Every rule a new key pair must pass; returns its fingerprint when the public key is given."""
        letter_name(name, "key pair name", InvalidKeyPairNameMalformed)
        check_resource_tags(tags)
        if name in self.key_pairs:
            raise KeyPairAlreadyExist(f"A key pair named {name!r} already exists in {self.region_id}.")
        if len(self.key_pairs) >= KEY_PAIR_QUOTA:
            raise QuotaExceedKeyPair(f"{self.region_id} already holds {KEY_PAIR_QUOTA} key pairs, the most a region takes.")
        self.check_resource_group(resource_group_id)
        return public_key_fingerprint(public_key) if public_key is not None else ""

    def _new_key_pair(self, name: str, public_key: str, resource_group_id: str | None, tags: dict[str, str]) -> KeyPair:
        fingerprint = self.check_new_key_pair(name, resource_group_id, tags, public_key)
        key = KeyPair(
            key_pair_id=self.new_id("ssh", {k.key_pair_id for k in self.key_pairs.values()}),
            name=name,
            public_key=" ".join(public_key.split()[:2]),
            fingerprint=fingerprint,
            creation_time=iso_time(self.now()),
            resource_group_id=self.check_resource_group(resource_group_id),
            tags=dict(tags),
        )
        self.key_pairs[name] = key
        return key

    def create_key_pair(
        self, name: str, resource_group_id: str | None = None, tags: dict[str, str] | None = None
    ) -> tuple[KeyPair, str]:
        """A new key pair and its private key (PEM), which only this answer ever holds."""
        self.check_new_key_pair(name, resource_group_id, tags or {})  # before spending time on a new key
        public_key, private_pem = _new_rsa_key()
        return self._new_key_pair(name, public_key, resource_group_id, tags or {}), private_pem

    def import_key_pair(
        self, name: str, public_key: str, resource_group_id: str | None = None, tags: dict[str, str] | None = None
    ) -> KeyPair:
        return self._new_key_pair(name, public_key, resource_group_id, tags or {})

    def describe_key_pairs(
        self,
        *,
        name: str | None = None,
        fingerprint: str | None = None,
        resource_group_id: str | None = None,
        tags: TagFilter | None = None,
    ) -> Selection[KeyPair]:
        """Key pairs by name (``*`` as a wildcard), fingerprint, resource group and tags, in creation order."""
        matches = [
            k
            for k in self.key_pairs.values()
            if (name is None or fnmatch.fnmatchcase(k.name, name))
            and (fingerprint is None or k.fingerprint == fingerprint)
            and (resource_group_id is None or k.resource_group_id == resource_group_id)
            and matches_tags(k.tags, tags)
        ]
        return Selection(len(matches), matches)

    def delete_key_pairs(self, names: list[str], *, dry_run: bool = False) -> None:
        """Delete key pairs (unknown names are ignored); none goes while an instance uses one of them."""
        for name in names:
            users = [i.instance_id for i in self.instances.values() if i.settings.key_pair_name == name]
            if users:
                raise DependencyViolationKeyPair(
                    f"The key pair {name!r} is bound to instance(s) {', '.join(users[:5])}: release them (or "
                    "detach the key pair) first."
                )
        if dry_run:
            raise DryRunOperation()
        for name in names:
            self.key_pairs.pop(name, None)

    def load_key_pair(self, record: dict[str, Any]) -> KeyPair:
        public_key = record["public_key"]
        key = KeyPair(
            key_pair_id=record.get("key_pair_id") or self.new_id("ssh", ()),
            name=record["name"],
            public_key=public_key,
            fingerprint=record.get("fingerprint") or public_key_fingerprint(public_key),
            creation_time=record.get("creation_time") or iso_time(self.now()),
            resource_group_id=record.get("resource_group_id", ""),
            tags=dict(record.get("tags") or {}),
        )
        self.key_pairs[key.name] = key
        return key
