"""Serves the provider to Terraform over go-plugin's gRPC protocol, as ``tf.runner.run_provider`` does, sooner.

Terraform starts the provider about four times per apply and waits for its handshake line each time.
``tf.runner.run_provider`` spends most of its own start-up importing ``cryptography`` (tens of milliseconds),
only to check the expiry date of the TLS certificate it caches. This module speaks the same protocol with
the same certificate cache, but reads the cached certificate's expiry date from its DER bytes directly and
imports ``cryptography`` only when it has to make a new certificate (first start, or once a week).

What it reproduces from ``tf`` 1.2: a gRPC server on a unix socket in a fresh temporary directory (the fixed
``/tmp/py-tf-plugin.sock`` with ``--stable``), TLS with a self-signed certificate whose DER bytes the handshake
line carries (go-plugin pins it; no client certificate is asked for), go-plugin's ``GRPCController`` (whose
``Shutdown`` stops the server) and ``GRPCStdio`` services beside ``tfplugin6.Provider``, ``StopProvider`` also
stopping the server, and ``--dev`` printing a ``TF_REATTACH_PROVIDERS`` value instead of a handshake. Beyond
``tf``: no fixed number of worker threads, and ``--shared``, one process serving every Terraform run of a
``cdk-clone`` command (see :func:`_serve_shared`).

Example::

    from cdk_clone.provider._provider import FULL_NAME, EcsClonePlugin
    from cdk_clone.provider._servicer import EcsCloneServicer
    serve(EcsCloneServicer(EcsClonePlugin()), full_name=FULL_NAME, argv=sys.argv)
"""

from __future__ import annotations

import base64
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import grpc

__all__ = [
    "ServerCertificate",
    "certificate_cache_path",
    "certificate_expiry",
    "new_server",
    "same_user_peer_available",
    "serve",
    "server_certificate",
]

# go-plugin's core protocol version, and the Terraform plugin protocol version served.
_CORE_PROTOCOL = 1
_TERRAFORM_PROTOCOL = 6
_STABLE_SOCKET = "/tmp/py-tf-plugin.sock"
# Calls after which the server stops, as tf's runner does: Terraform sends one of them when it is done.
_STOPPING_METHODS = ("/tfplugin6.Provider/StopProvider", "/plugin.GRPCController/Shutdown")
_CERTIFICATE_LIFETIME = timedelta(days=7)
# No fixed limit on worker threads (see serve).
_UNBOUNDED = 1 << 20


class ServerCertificate(NamedTuple):
    """The provider's self-signed TLS certificate: PEM key and certificate for gRPC, DER for the handshake."""

    key_pem: bytes
    cert_pem: bytes
    cert_der: bytes


def serve(servicer: Any, *, full_name: str, argv: Sequence[str]) -> None:
    """Serve ``servicer`` (a ``tfplugin6.Provider`` servicer) until Terraform stops it; see the module doc.

    ``full_name`` (``registry.terraform.io/<namespace>/<name>``) only matters with ``--dev``.
    """
    # grpc and the generated protocol modules are needed to serve at all; ``servicer`` has imported most.
    import grpc
    from tf.gen import grpc_controller_pb2 as controller_pb
    from tf.gen import grpc_controller_pb2_grpc as controller_rpc
    from tf.gen import grpc_stdio_pb2_grpc as stdio_rpc
    from tf.gen import tfplugin_pb2_grpc as provider_rpc

    shared = "--shared" in argv
    server, stopper = new_server(stop_on_last_call=not shared)
    provider_rpc.add_ProviderServicer_to_server(servicer, server)

    class Controller(controller_rpc.GRPCControllerServicer):  # type: ignore[misc]
        def Shutdown(self, request: Any, context: Any) -> Any:
            # The interceptor stops the server on this call.
            return controller_pb.Empty()

    class Stdio(stdio_rpc.GRPCStdioServicer):  # type: ignore[misc]
        def StreamStdio(self, request: Any, context: Any) -> Any:
            # Nothing is forwarded (the provider logs to stderr); serving the method spares go-plugin an error.
            return iter([])

    controller_rpc.add_GRPCControllerServicer_to_server(Controller(), server)
    stdio_rpc.add_GRPCStdioServicer_to_server(Stdio(), server)

    if shared:
        _serve_shared(server, servicer, full_name)
        return
    with tempfile.TemporaryDirectory() as directory:
        socket_path = _STABLE_SOCKET if "--stable" in argv else f"{directory}/py-tf-plugin.sock"
        address = f"unix://{socket_path}"
        if "--dev" in argv:
            _serve_for_debugging(server, address, socket_path, full_name)
            return
        certificate = server_certificate()
        credentials = grpc.ssl_server_credentials(
            private_key_certificate_chain_pairs=[(certificate.key_pem, certificate.cert_pem)],
            require_client_auth=False,
        )
        server.add_secure_port(address, credentials)
        server.start()
        handshake = "|".join(
            [
                str(_CORE_PROTOCOL),
                str(_TERRAFORM_PROTOCOL),
                "unix",
                socket_path,
                "grpc",
                base64.b64encode(certificate.cert_der).decode().rstrip("="),
            ]
        )
        # The same bytes as tf's runner (its print adds a blank line after the handshake).
        sys.stdout.write(handshake + "\n\n")
        sys.stdout.flush()
        try:
            # Polls for the stopping call, so the process exits soon after it: Terraform waits for the exit.
            while server.wait_for_termination(0.05):
                if stopper.stopped:
                    break
        except KeyboardInterrupt:
            server.stop(grace=0.5)


def _serve_for_debugging(server: grpc.Server, address: str, socket_path: str, full_name: str) -> None:
    """``--dev``: serve without TLS and print the ``TF_REATTACH_PROVIDERS`` value Terraform should use."""
    # Flushed: whoever started it may be reading a pipe.
    print("Running in dev mode\n", flush=True)
    server.add_insecure_port(address)
    print(f"\texport TF_REATTACH_PROVIDERS='{_reattach_value(full_name, 'unix', socket_path)}'", flush=True)
    server.start()
    server.wait_for_termination()


def new_server(*, stop_on_last_call: bool = True) -> tuple[grpc.Server, _StopOnLastCall]:
    """The gRPC server the provider runs, and its interceptor that stops it on Terraform's last call.

    It has as many threads as Terraform sends calls at once (Terraform's -parallelism bounds them): a call
    waiting for a slow object keeps its thread, and a fixed pool (``tf``'s has 10) makes the next calls
    queue behind the waiting ones. Threads are started on demand only.
    """
    from concurrent.futures import ThreadPoolExecutor

    import grpc

    stopper = _StopOnLastCall(enabled=stop_on_last_call)
    server = grpc.server(thread_pool=ThreadPoolExecutor(max_workers=_UNBOUNDED), interceptors=[stopper])
    stopper.server = server
    return server, stopper


def _serve_shared(server: grpc.Server, servicer: Any, full_name: str) -> None:
    """``--shared``: one process for every Terraform run of a ``cdk-clone`` command, and for every provider
    configuration of each run (see :mod:`cdk_clone.provider._connections`).

    It listens on a loopback TCP port (connections are told apart by their address; only this user's are
    served), prints the ``TF_REATTACH_PROVIDERS`` value as its first line, and serves until its standard
    input closes (its owner is gone) or it is terminated; Terraform's StopProvider does not stop it.
    """
    import signal
    import threading

    from ._connections import same_user_peer

    port = server.add_insecure_port("127.0.0.1:0")
    if not same_user_peer_available():
        sys.stderr.write("--shared needs /proc/net/tcp (Linux) to tell its own user's connections apart\n")
        sys.exit(2)
    servicer.admit = lambda peer: same_user_peer(peer, port)
    reattach = _reattach_value(full_name, "tcp", f"127.0.0.1:{port}")
    server.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())

    def watch_owner() -> None:
        sys.stdin.read()  # returns at end of file: the owner closed the pipe or exited
        done.set()

    threading.Thread(target=watch_owner, daemon=True).start()
    sys.stdout.write(reattach + "\n")
    sys.stdout.flush()
    try:
        done.wait()
    except KeyboardInterrupt:
        pass  # Ctrl-C reaches the whole process group: the owner ends the run
    server.stop(grace=0.5)


def _reattach_value(full_name: str, network: str, address: str) -> str:
    """The ``TF_REATTACH_PROVIDERS`` value naming this process at ``address``."""
    reattach = {
        full_name: {
            "Protocol": "grpc",
            "ProtocolVersion": _TERRAFORM_PROTOCOL,
            "Pid": os.getpid(),
            # Test: Terraform leaves the process running when it is done with it.
            "Test": True,
            "Addr": {"Network": network, "String": address},
        }
    }
    return json.dumps(reattach)


def same_user_peer_available() -> bool:
    """Whether this system tells who owns a loopback TCP connection (``--shared`` needs it)."""
    return sys.platform.startswith("linux") and os.access("/proc/net/tcp", os.R_OK)


class _StopOnLastCall:
    """gRPC interceptor: stops the server as soon as StopProvider or Shutdown arrives, as tf's runner does.

    The caller may see that call's answer cancelled; go-plugin ignores it and waits for the process to exit.
    A shared process (``enabled=False``) is stopped by its owner instead.
    """

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.stopped = False
        self.server: grpc.Server | None = None

    def intercept_service(self, continuation: Any, handler_call_details: Any) -> Any:
        method = handler_call_details.method
        if os.environ.get("TF_PLUGIN_DEBUG") == "1":
            print(f"[DEBUG] gRPC method called: {method}", file=sys.stderr)
        handler = continuation(handler_call_details)
        if self.enabled and method in _STOPPING_METHODS:
            self.stopped = True
            if self.server is not None:
                self.server.stop(grace=0)
        return handler


# ---- the certificate --------------------------------------------------------------------------------------


def certificate_cache_path() -> str:
    """Where the certificate is cached: ``tf``'s own file, so both runners share one certificate."""
    return os.path.join(os.path.expanduser("~"), ".cache", "tf-python-provider", "ssl_cert.json")


def server_certificate(cache_path: str | None = None) -> ServerCertificate:
    """The cached certificate while it is valid, else a new one (then cached; a cache that cannot be
    written is not an error, as in ``tf``)."""
    path = cache_path or certificate_cache_path()
    cached = _valid_cached_certificate(path)
    if cached is not None:
        return cached
    certificate = _new_certificate()
    _write_cache(path, certificate)
    return certificate


def _valid_cached_certificate(path: str) -> ServerCertificate | None:
    """The cached certificate, or None when there is none, it has expired or it cannot be understood."""
    try:
        with open(path, encoding="utf-8") as file:
            cached = json.load(file)
        certificate = ServerCertificate(
            key_pem=cached["key_pem"].encode(),
            cert_pem=cached["cert_pem"].encode(),
            cert_der=base64.b64decode(cached["cert_chain"], validate=True),
        )
        # The PEM (served) and the DER (pinned by Terraform) must be the same certificate.
        if _pem_body(certificate.cert_pem) != certificate.cert_der:
            return None
        return certificate if certificate_expiry(certificate.cert_der) > datetime.now(UTC) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def _pem_body(pem: bytes) -> bytes:
    lines = pem.decode("ascii").strip().splitlines()
    if len(lines) < 3 or lines[0] != "-----BEGIN CERTIFICATE-----" or lines[-1] != "-----END CERTIFICATE-----":
        raise ValueError("not a PEM certificate")
    return base64.b64decode("".join(lines[1:-1]), validate=True)


def _write_cache(path: str, certificate: ServerCertificate) -> None:
    record = {
        "key_pem": certificate.key_pem.decode(),
        "cert_pem": certificate.cert_pem.decode(),
        "cert_chain": base64.b64encode(certificate.cert_der).decode(),
    }
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # Written beside and renamed over: a provider starting at the same moment never reads half a file.
        descriptor, scratch = tempfile.mkstemp(prefix=".ssl_cert.", dir=os.path.dirname(path))
        try:
            with open(descriptor, "w", encoding="utf-8") as file:
                json.dump(record, file)
            os.replace(scratch, path)
        except BaseException:
            os.unlink(scratch)
            raise
    except OSError:
        pass


def _new_certificate() -> ServerCertificate:
    """A self-signed certificate for localhost valid for a week: the one ``tf``'s runner makes."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(seconds=1))
        .not_valid_after(now + _CERTIFICATE_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return ServerCertificate(
        key_pem=key.private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        ),
        cert_pem=certificate.public_bytes(serialization.Encoding.PEM),
        cert_der=certificate.public_bytes(serialization.Encoding.DER),
    )


# ---- reading a certificate's expiry date without cryptography ---------------------------------------------

_SEQUENCE, _INTEGER, _VERSION = 0x30, 0x02, 0xA0
_UTC_TIME, _GENERALIZED_TIME = 0x17, 0x18


def certificate_expiry(der: bytes) -> datetime:
    """The ``notAfter`` date (UTC) of a DER X.509 certificate; ``ValueError`` when it is not one.

    RFC 5280: Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
    signature, issuer, validity SEQUENCE { notBefore, notAfter }, ... }, ... }.
    """
    tbs_start = _expect(der, 0, _SEQUENCE)[0]
    position = _expect(der, tbs_start, _SEQUENCE)[0]
    if _element(der, position)[0] == _VERSION:
        position = _element(der, position)[2]
    for tag in (_INTEGER, _SEQUENCE, _SEQUENCE):  # serialNumber, signature algorithm, issuer
        position = _expect(der, position, tag)[1]
    validity_start = _expect(der, position, _SEQUENCE)[0]
    not_after = _element(der, validity_start)[2]
    tag, start, end = _element(der, not_after)
    return _asn1_time(tag, der[start:end])


def _element(der: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the DER element at ``offset``."""
    if offset + 2 > len(der):
        raise ValueError("truncated DER: no element header")
    tag, length = der[offset], der[offset + 1]
    start = offset + 2
    if length & 0x80:
        size = length & 0x7F
        if not 1 <= size <= 4 or start + size > len(der):
            raise ValueError("unsupported DER length")
        length = int.from_bytes(der[start : start + size], "big")
        start += size
    if start + length > len(der):
        raise ValueError("truncated DER: element longer than the data")
    return tag, start, start + length


def _expect(der: bytes, offset: int, tag: int) -> tuple[int, int]:
    found, start, end = _element(der, offset)
    if found != tag:
        raise ValueError(f"not an X.509 certificate: tag {found:#x} where {tag:#x} belongs")
    return start, end


def _asn1_time(tag: int, value: bytes) -> datetime:
    text = value.decode("ascii")
    if tag == _UTC_TIME and len(text) == 13 and text.endswith("Z"):
        # RFC 5280: two-digit years 50-99 are 19xx, 00-49 are 20xx.
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    elif not (tag == _GENERALIZED_TIME and len(text) == 15 and text.endswith("Z")):
        raise ValueError(f"unsupported certificate time {text!r}")
    if not text[:-1].isdigit():
        raise ValueError(f"unsupported certificate time {text!r}")
    month, day, hour, minute, second = (int(text[i : i + 2]) for i in range(4, 14, 2))
    return datetime(int(text[:4]), month, day, hour, minute, second, tzinfo=UTC)
