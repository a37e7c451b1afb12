"""The web transport verifies the service's TLS certificate unless told not to:
stacki-ws behind a TLS-terminating proxy with a self-signed certificate."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.ansible.conftest import Ansible


def self_signed(directory) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, target):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class TLSProxy:
    """https://127.0.0.1:PORT in front of a plain-HTTP backend port."""

    def __init__(self, backend_port: int, cert: str, key: str):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.backend_port = backend_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        try:
            secure = self.context.wrap_socket(client, server_side=True)
        except (ssl.SSLError, OSError):
            client.close()  # the client refused the certificate
            return
        backend = socket.create_connection(("127.0.0.1", self.backend_port))
        threading.Thread(target=_pipe, args=(backend, secure), daemon=True).start()
        _pipe(secure, backend)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def tls(web, tmp_path):
    server, env = web
    cert, key = self_signed(tmp_path)
    proxy = TLSProxy(server.port, cert, key)
    ansible = Ansible(dict(env, STACKI_URL=f"https://127.0.0.1:{proxy.port}",
                           STACKI_CREDENTIALS=str(server.home / "stacki-ws.cred"),
                           STACKI_COMMAND="/nonexistent/stack"), tmp_path)
    yield ansible, cert
    proxy.close()


def test_certificates_are_verified_by_default(tls):
    ansible, _ = tls
    result = ansible.module("stacki_box_info", name="default")
    assert result.status == "FAILED!"
    assert result.data["msg"].startswith("error - cannot reach https://127.0.0.1:")
    assert "CERTIFICATE_VERIFY_FAILED" in result.data["msg"]


def test_a_ca_file_verifies_the_certificate(tls):
    ansible, cert = tls
    result = ansible.module("stacki_box_info", name="default", stacki_ca_path=cert)
    assert result.status == "SUCCESS", result.out
    assert result.data["boxes"][0]["name"] == "default"


def test_verification_can_be_turned_off(tls):
    ansible, _ = tls
    result = ansible.module("stacki_box_info", name="default", stacki_validate_certs=False)
    assert result.status == "SUCCESS", result.out
    (ansible.workdir / "stacki.yml").write_text(
        "plugin: stacki.stacki.stacki\nstacki_validate_certs: false\n")
    assert "a_backend" in ansible.inventory("stacki.yml").data
    (ansible.workdir / "stacki.yml").write_text("plugin: stacki.stacki.stacki\n")
    refused = ansible.inventory("stacki.yml", ANSIBLE_INVENTORY_UNPARSED_FAILED="true")
    assert refused.rc != 0 and "CERTIFICATE_VERIFY_FAILED" in refused.err
