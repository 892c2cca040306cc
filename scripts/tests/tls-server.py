#!/usr/bin/env python3
"""A loopback HTTPS server with a deliberately wrong certificate, for the TLS error tests.

usage: tls-server.py MODE DIR
  MODE: untrusted  self-signed certificate for 127.0.0.1 (no CA the client knows)
        expired    signed by DIR/ca.pem, for 127.0.0.1, expired yesterday
        wrong-host signed by DIR/ca.pem, valid, but for store.example.org only
        valid      signed by DIR/ca.pem, valid, for 127.0.0.1
        plain      no TLS at all on the port (the handshake fails)
Writes DIR/ca.pem (the test CA) and prints the port on the first line of stdout; answers every
request with 200 and an empty S3-like body until killed.
"""
import datetime
import http.server
import ipaddress
import os
import ssl
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

mode, folder = sys.argv[1], sys.argv[2]
os.makedirs(folder, exist_ok=True)
now = datetime.datetime.now(datetime.timezone.utc)


def name(text):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def certificate(subject, issuer, key, signing_key, start, end, sans=None, ca=False):
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


ca_key = ec.generate_private_key(ec.SECP256R1())
ca = certificate(name("scoretune test CA"), name("scoretune test CA"), ca_key, ca_key,
                 now - datetime.timedelta(days=1), now + datetime.timedelta(days=1), ca=True)
with open(os.path.join(folder, "ca.pem"), "wb") as f:
    f.write(ca.public_bytes(serialization.Encoding.PEM))

key = ec.generate_private_key(ec.SECP256R1())
loopback = [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
valid = (now - datetime.timedelta(days=1), now + datetime.timedelta(days=1))
if mode == "untrusted":
    cert = certificate(name("127.0.0.1"), name("127.0.0.1"), key, key, *valid, sans=loopback)
elif mode == "expired":
    cert = certificate(name("127.0.0.1"), ca.subject, key, ca_key, now - datetime.timedelta(days=3),
                       now - datetime.timedelta(days=1), sans=loopback)
elif mode == "wrong-host":
    cert = certificate(name("store.example.org"), ca.subject, key, ca_key, *valid, sans=[x509.DNSName("store.example.org")])
else:
    cert = certificate(name("127.0.0.1"), ca.subject, key, ca_key, *valid, sans=loopback)
with open(os.path.join(folder, "server.pem"), "wb") as f:
    f.write(cert.public_bytes(serialization.Encoding.PEM))
    f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self):
        body = b'<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = answer

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
if mode != "plain":
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(folder, "server.pem"))
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
