"""How the provider starts: the go-plugin handshake Terraform reads, the services behind it, and the cached
TLS certificate that spares each start the ``cryptography`` import."""

from __future__ import annotations

import base64
import json
import os
import selectors
import ssl
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from tf.gen import grpc_controller_pb2 as controller_pb
from tf.gen import grpc_controller_pb2_grpc as controller_rpc
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc

from cdk_clone.provider import FULL_NAME
from cdk_clone.provider._runner import ServerCertificate, certificate_expiry, server_certificate
from cdk_clone.schema import DATA_SOURCES, RESOURCES

MAGIC_COOKIE = {
    "TF_PLUGIN_MAGIC_COOKIE": "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
    "PLUGIN_PROTOCOL_VERSIONS": "6",
}


class RunningProvider:
    """``python -m cdk_clone.provider`` started as Terraform starts it, with its handshake line read."""

    def __init__(self, home: Path, *python_options: str, argv: tuple[str, ...] = ()) -> None:
        # Without PYTHONUNBUFFERED: what Terraform reads must be flushed by the provider itself.
        environ = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
        environ.update(MAGIC_COOKIE, HOME=str(home))
        command = [sys.executable, *python_options, "-P", "-m", "cdk_clone.provider", *argv]
        self.process = subprocess.Popen(command, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._unread = b""
        self.first_line = self.read_line()

    def read_line(self) -> str:
        """The next line on the provider's standard output (waiting up to 60 s for it)."""
        assert self.process.stdout is not None
        descriptor = self.process.stdout.fileno()
        selector = selectors.DefaultSelector()
        selector.register(descriptor, selectors.EVENT_READ)
        while b"\n" not in self._unread:
            assert selector.select(timeout=60), f"the provider printed no whole line within 60 s: {self._unread!r}"
            chunk = os.read(descriptor, 65536)
            assert chunk, f"the provider closed its output after {self._unread!r}"
            self._unread += chunk
        line, self._unread = self._unread.split(b"\n", 1)
        return line.decode()

    @property
    def fields(self) -> list[str]:
        return self.first_line.split("|")

    def channel(self) -> grpc.Channel:
        """A channel to the provider that trusts only the certificate its handshake announced."""
        _, _, _, socket_path, _, encoded = self.fields
        der = base64.b64decode(encoded + "=" * (-len(encoded) % 4))
        credentials = grpc.ssl_channel_credentials(root_certificates=ssl.DER_cert_to_PEM_cert(der).encode())
        return grpc.secure_channel(
            f"unix:{socket_path}", credentials, options=[("grpc.ssl_target_name_override", "localhost")]
        )

    def wait(self) -> int:
        return self.process.wait(timeout=30)

    def stop(self) -> str:
        """Stop the process if it still runs; return its standard error."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        assert self.process.stderr is not None and self.process.stdout is not None
        error = self.process.stderr.read().decode()
        self.process.stdout.close()
        self.process.stderr.close()
        return error


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A private HOME, so the certificate cache starts empty and the user's is left alone."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def provider(home: Path) -> Iterator[RunningProvider]:
    running = RunningProvider(home)
    yield running
    running.stop()


# ---- the process Terraform talks to ----------------------------------------------------------------------


def test_handshake_names_protocol_6_on_a_unix_socket_with_the_certificate_in_the_cache(
    provider: RunningProvider, home: Path
) -> None:
    core, protocol, network, socket_path, kind, encoded = provider.fields
    assert (core, protocol, network, kind) == ("1", "6", "unix", "grpc")
    assert stat.S_ISSOCK(os.stat(socket_path).st_mode)
    cached = json.loads((home / ".cache" / "tf-python-provider" / "ssl_cert.json").read_text())
    # go-plugin decodes the certificate as unpadded base64 DER and pins it.
    assert "=" not in encoded
    assert encoded == cached["cert_chain"].rstrip("=")


def test_terraform_first_call_gets_every_ecsclone_type(provider: RunningProvider) -> None:
    with provider.channel() as channel:
        response = rpc.ProviderStub(channel).GetProviderSchema(pb.GetProviderSchema.Request(), timeout=30)
    assert not response.diagnostics
    assert set(response.resource_schemas) == set(RESOURCES)
    assert set(response.data_source_schemas) == set(DATA_SOURCES)
    assert "region" in {a.name for a in response.provider.block.attributes}


def _call_that_stops(call: Callable[[grpc.Channel], object], provider: RunningProvider) -> None:
    """Make a call after which the server stops at once, as ``tf``'s runner does: the answer may be cancelled
    on its way (go-plugin ignores it and waits for the process to exit)."""
    with provider.channel() as channel:
        try:
            call(channel)
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.UNAVAILABLE, error


def test_shutdown_from_go_plugin_ends_the_process_and_removes_its_socket(provider: RunningProvider) -> None:
    socket_path = provider.fields[3]
    _call_that_stops(
        lambda channel: controller_rpc.GRPCControllerStub(channel).Shutdown(controller_pb.Empty(), timeout=30),
        provider,
    )
    assert provider.wait() == 0
    assert not os.path.exists(os.path.dirname(socket_path))


def test_stop_provider_ends_the_process(provider: RunningProvider) -> None:
    _call_that_stops(
        lambda channel: rpc.ProviderStub(channel).StopProvider(pb.StopProvider.Request(), timeout=30), provider
    )
    assert provider.wait() == 0


def test_a_start_with_a_cached_certificate_does_not_import_cryptography(provider: RunningProvider, home: Path) -> None:
    # The fixture's start made the certificate; this one finds it.
    again = RunningProvider(home, "-X", "importtime")
    try:
        assert again.fields[5] == provider.fields[5]
        with again.channel() as channel:
            rpc.ProviderStub(channel).GetProviderSchema(pb.GetProviderSchema.Request(), timeout=30)
    finally:
        imported = again.stop()
    assert "cdk_clone.provider._runner" in imported
    assert "cryptography" not in imported


def test_dev_mode_prints_how_terraform_reattaches(home: Path) -> None:
    running = RunningProvider(home, argv=("--dev",))
    try:
        assert running.first_line == "Running in dev mode"
        lines = [running.read_line() for _ in range(2)]
    finally:
        running.stop()
    export = lines[-1].strip()
    assert export.startswith("export TF_REATTACH_PROVIDERS='") and export.endswith("'")
    reattach = json.loads(export.split("=", 1)[1].strip("'"))
    assert reattach[FULL_NAME]["ProtocolVersion"] == 6
    assert reattach[FULL_NAME]["Addr"]["Network"] == "unix"


# ---- the certificate -------------------------------------------------------------------------------------


def _certificate(not_after: datetime) -> ServerCertificate:
    """A self-signed certificate expiring at ``not_after``, in the cache's three forms."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "localhost")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(1990, 1, 1, tzinfo=UTC))
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return ServerCertificate(
        key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        cert_pem=certificate.public_bytes(serialization.Encoding.PEM),
        cert_der=certificate.public_bytes(serialization.Encoding.DER),
    )


def _write_cache(path: Path, certificate: ServerCertificate) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "key_pem": certificate.key_pem.decode(),
                "cert_pem": certificate.cert_pem.decode(),
                "cert_chain": base64.b64encode(certificate.cert_der).decode(),
            }
        )
    )


@pytest.mark.parametrize(
    "not_after",
    [
        datetime(2031, 7, 9, 23, 59, 58, tzinfo=UTC),  # written as UTCTime
        datetime(1999, 12, 31, 0, 0, 1, tzinfo=UTC),  # UTCTime of the last century
        datetime(2051, 3, 4, 5, 6, 7, tzinfo=UTC),  # GeneralizedTime, from 2050 on
    ],
)
def test_expiry_is_read_from_the_der_bytes_as_cryptography_reads_it(not_after: datetime) -> None:
    der = _certificate(not_after).cert_der
    assert certificate_expiry(der) == not_after == x509.load_der_x509_certificate(der).not_valid_after_utc


@pytest.mark.parametrize("data", [b"", b"\x30\x03\x02\x01\x01", b"not a certificate", b"\x30\x82\xff\xff\x30"])
def test_expiry_of_bytes_that_are_not_a_certificate_is_a_value_error(data: bytes) -> None:
    with pytest.raises(ValueError):
        certificate_expiry(data)


def test_first_certificate_is_cached_privately_in_the_format_tf_reads(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tf.runner import _self_signed_cert

    monkeypatch.setenv("HOME", str(home))
    made = server_certificate()
    cache = home / ".cache" / "tf-python-provider" / "ssl_cert.json"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert server_certificate() == made
    # tf's own runner accepts the cached certificate instead of making another.
    assert _self_signed_cert()[0] == made.cert_der
    loaded = x509.load_pem_x509_certificate(made.cert_pem)
    assert loaded.public_bytes(serialization.Encoding.DER) == made.cert_der
    assert loaded.subject.rfc4514_string() == "CN=localhost"
    assert datetime.now(UTC) + timedelta(days=6) < certificate_expiry(made.cert_der)


def test_expired_certificate_is_replaced(tmp_path: Path) -> None:
    cache = tmp_path / "ssl_cert.json"
    expired = _certificate(datetime.now(UTC) - timedelta(minutes=1))
    _write_cache(cache, expired)
    fresh = server_certificate(str(cache))
    assert fresh.cert_der != expired.cert_der
    assert certificate_expiry(fresh.cert_der) > datetime.now(UTC)
    assert server_certificate(str(cache)) == fresh


def test_valid_certificate_from_the_cache_is_used(tmp_path: Path) -> None:
    cache = tmp_path / "ssl_cert.json"
    cached = _certificate(datetime.now(UTC) + timedelta(hours=1))
    _write_cache(cache, cached)
    assert server_certificate(str(cache)) == cached


@pytest.mark.parametrize(
    "content",
    ["", "{", "[]", '{"key_pem": "x"}', '{"key_pem": "x", "cert_pem": "y", "cert_chain": "!!"}', "mismatch"],
)
def test_unreadable_or_inconsistent_cache_is_replaced(tmp_path: Path, content: str) -> None:
    cache = tmp_path / "ssl_cert.json"
    if content == "mismatch":
        # A PEM that is not the DER Terraform would pin: serving one and announcing the other fails.
        one, other = (_certificate(datetime.now(UTC) + timedelta(hours=1)) for _ in range(2))
        _write_cache(cache, one._replace(cert_der=other.cert_der))
    else:
        cache.write_text(content)
    fresh = server_certificate(str(cache))
    assert x509.load_pem_x509_certificate(fresh.cert_pem).public_bytes(serialization.Encoding.DER) == fresh.cert_der
    assert server_certificate(str(cache)) == fresh


def test_importing_the_package_leaves_the_provider_to_main() -> None:
    # `python -m cdk_clone.provider` imports the package before main() runs; main() loads the provider
    # with garbage collection paused, so the package itself must not load it.
    probe = "import sys, cdk_clone.provider as p; print(sorted(m for m in ('tf', 'grpc') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-P", "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
    probe = "import cdk_clone.provider as p; print(p.FULL_NAME, p.EcsClonePlugin().full_name())"
    named = subprocess.run([sys.executable, "-P", "-c", probe], capture_output=True, text=True, check=True)
    assert named.stdout.split() == [FULL_NAME, FULL_NAME]


def test_certificate_cached_by_tf_is_used(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tf.runner import _self_signed_cert

    monkeypatch.setenv("HOME", str(home))
    made_by_tf = _self_signed_cert()[0]
    assert server_certificate().cert_der == made_by_tf
