#!/usr/bin/env python3
"""A loopback Azure Blob server for scoretune's tests: the part of the Blob REST API that Score
and scoretune use, with Azure's authorisation rules, since no Azure emulator installs here.

  server.py --port 10000 --account NAME --key BASE64 --data DIR

URLs are path-style, as Azurite's: http://127.0.0.1:PORT/<account>/<container>/<blob>.
It checks Shared Key signatures (the SDK's canonical form: "/" + account + the URL path) and
service SAS tokens, including `si=` stored access policies, start and expiry, and permissions.
Blocks, committed block lists and blobs live in files under DIR; downloads go out with sendfile.
Operations: create/delete/get container, Set/Get Container ACL, List Blobs (prefix, marker,
maxresults), Put Blob, Put Block, Put Block List, Get Block List, Get Blob (whole or a range,
206), Get Blob Properties, Delete Blob. Errors are Azure's XML with x-ms-error-code.
Its conformance is shown by scripts/azure/conformance.py, which drives it with azure-storage-blob.
"""
import argparse
import base64
import datetime
import email.utils
import hashlib
import hmac
import http.server
import json
import os
import pathlib
import shutil
import socket
import threading
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

MAX_BLOCK = 4000 * (1 << 20)
MAX_BLOCKS = 50_000
CHUNK = 1 << 20


class AzureError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def iso_time(text):
    """A SAS or policy time (ISO 8601, UTC, with or without fractions)."""
    text = text.strip().replace("Z", "+00:00")
    if "." in text:
        head, tail = text.split(".", 1)
        zone = tail[tail.find("+"):] if "+" in tail else ""
        text = head + zone
    return datetime.datetime.fromisoformat(text)


class Store:
    """Containers, their ACLs, blocks and blobs on disk. One lock guards the metadata; block and
    blob bytes stream to temporary files and are renamed into place."""

    def __init__(self, root):
        self.root = pathlib.Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()

    @staticmethod
    def _slug(name):
        return hashlib.sha256(name.encode()).hexdigest()

    def container_dir(self, container):
        return self.root / container

    def require_container(self, container):
        path = self.container_dir(container)
        if not path.is_dir():
            raise AzureError(404, "ContainerNotFound", "The specified container does not exist.")
        return path

    def acl(self, container):
        path = self.require_container(container) / ".acl.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def blob_meta_path(self, container, blob):
        return self.require_container(container) / "blobs" / (self._slug(blob) + ".json")

    def blob_data_path(self, container, blob):
        return self.require_container(container) / "blobs" / (self._slug(blob) + ".data")

    def blocks_dir(self, container, blob):
        return self.require_container(container) / "blocks" / self._slug(blob)

    def blob_meta(self, container, blob):
        path = self.blob_meta_path(container, blob)
        if not path.exists():
            raise AzureError(404, "BlobNotFound", "The specified blob does not exist.")
        return json.loads(path.read_text())

    def write_meta(self, container, blob, meta):
        path = self.blob_meta_path(container, blob)
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(".tmp")
        temp.write_text(json.dumps(meta))
        os.replace(temp, path)

    def uncommitted(self, container, blob):
        folder = self.blocks_dir(container, blob)
        if not folder.is_dir():
            return {}
        # Block files are named by the hex of the block id's text (base64 may hold '/').
        return {bytes.fromhex(f.name).decode(): f.stat().st_size for f in folder.iterdir()
                if not f.name.endswith(".tmp") and not f.name.startswith(".")}


def new_etag():
    return '"0x' + uuid.uuid4().hex[:15].upper() + '"'


def http_date(when=None):
    return email.utils.formatdate(when, usegmt=True)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "scoretune-azure-test/1"

    # -- plumbing -------------------------------------------------------------------------------
    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle and delayed ACKs add 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self): self.dispatch("GET")
    def do_HEAD(self): self.dispatch("HEAD")
    def do_PUT(self): self.dispatch("PUT")
    def do_DELETE(self): self.dispatch("DELETE")

    def dispatch(self, method):
        self.method = method
        self.body_left = int(self.headers.get("Content-Length") or 0)
        self.request_id = str(uuid.uuid4())
        try:
            raw_path, _, raw_query = self.path.partition("?")
            self.raw_path = raw_path
            self.query = {k: v for k, v in urllib.parse.parse_qsl(raw_query, keep_blank_values=True)}
            parts = raw_path.lstrip("/").split("/", 2)
            if parts[0] != self.server.account:
                raise AzureError(400, "InvalidUri", f"Unknown account '{parts[0]}'.")
            self.container = urllib.parse.unquote(parts[1]) if len(parts) > 1 and parts[1] else None
            self.blob = urllib.parse.unquote(parts[2]) if len(parts) > 2 and parts[2] else None
            self.authorize()
            self.route()
        except AzureError as error:
            self.fail(error)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            self.drain()

    def drain(self):
        """Reads what is left of a request body so the connection stays usable."""
        while self.body_left > 0:
            chunk = self.rfile.read(min(CHUNK, self.body_left))
            if not chunk:
                self.close_connection = True
                return
            self.body_left -= len(chunk)

    def read_body(self):
        data = self.rfile.read(self.body_left) if self.body_left else b""
        self.body_left = 0
        return data

    def stream_body_to(self, path, md5=None):
        """Writes the request body to a file in chunks; returns its size."""
        size = 0
        with open(path, "wb") as out:
            while self.body_left > 0:
                chunk = self.rfile.read(min(CHUNK, self.body_left))
                if not chunk:
                    raise ConnectionResetError("client went away")
                self.body_left -= len(chunk)
                size += len(chunk)
                if md5 is not None:
                    md5.update(chunk)
                out.write(chunk)
        return size

    def answer(self, status, headers=None, body=b""):
        self.send_response(status)
        self.send_header("x-ms-request-id", self.request_id)
        self.send_header("x-ms-version", self.headers.get("x-ms-version", "2026-10-06"))
        self.send_header("Date", http_date())
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.method != "HEAD":
            self.wfile.write(body)

    def fail(self, error):
        body = (f'<?xml version="1.0" encoding="utf-8"?><Error><Code>{error.code}</Code>'
                f"<Message>{error.message}\nRequestId:{self.request_id}\nTime:{datetime.datetime.utcnow().isoformat()}Z</Message></Error>").encode()
        self.answer(error.status, {"x-ms-error-code": error.code, "Content-Type": "application/xml"},
                    b"" if self.method == "HEAD" else body)

    # -- authorisation ----------------------------------------------------------------------------
    def authorize(self):
        auth = self.headers.get("Authorization")
        if auth:
            return self.check_shared_key(auth)
        if "sig" in self.query:
            return self.check_sas()
        raise AzureError(401, "NoAuthenticationInformation",
                         "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.")

    def shared_key_string(self):
        headers = {k.lower(): v for k, v in self.headers.items()}
        if headers.get("content-length") == "0":
            headers.pop("content-length")
        standard = ["content-encoding", "content-language", "content-length", "content-md5", "content-type", "date",
                    "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range"]
        lines = [self.method] + [headers.get(name, "") for name in standard]
        canonical_headers = "".join(f"{name}:{headers[name]}\n" for name in sorted(h for h in headers if h.startswith("x-ms-")))
        resource = "/" + self.server.account + self.raw_path
        for name, value in sorted((k.lower(), v) for k, v in self.query.items()):
            resource += f"\n{name}:{value}"
        return "\n".join(lines) + "\n" + canonical_headers + resource

    def check_shared_key(self, auth):
        scheme, _, credential = auth.partition(" ")
        account, _, signature = credential.partition(":")
        expected = self.sign(self.shared_key_string())
        if scheme != "SharedKey" or account != self.server.account or not hmac.compare_digest(signature, expected):
            raise AzureError(403, "AuthenticationFailed",
                             "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.")
        self.permissions = None  # the account key may do anything

    def sign(self, text):
        return base64.b64encode(hmac.new(self.server.key, text.encode(), hashlib.sha256).digest()).decode()

    def check_sas(self):
        q = self.query
        resource = q.get("sr", "")
        if resource not in ("b", "c") or not self.container or (resource == "b" and not self.blob):
            raise AzureError(403, "AuthenticationFailed", "Signature fields not well formed.")
        canonical = f"/blob/{self.server.account}/{self.container}" + (f"/{self.blob}" if resource == "b" else "")
        fields = [q.get("sp", ""), q.get("st", ""), q.get("se", ""), canonical, q.get("si", ""), q.get("sip", ""),
                  q.get("spr", ""), q.get("sv", ""), resource, q.get("snapshot", ""), q.get("ses", ""),
                  q.get("rscc", ""), q.get("rscd", ""), q.get("rsce", ""), q.get("rscl", ""), q.get("rsct", "")]
        if not hmac.compare_digest(q["sig"], self.sign("\n".join(fields))):
            raise AzureError(403, "AuthenticationFailed", "Signature did not match. String to sign used was " + "\\n".join(fields[:3]))
        start, expiry, permissions = q.get("st"), q.get("se"), q.get("sp")
        if q.get("si"):
            policy = self.server.store.acl(self.container).get(q["si"])
            if policy is None:
                raise AzureError(403, "AuthenticationFailed", f"Signed identifier '{q['si']}' was not found in the container's access policies.")
            for field, value in (("start", start), ("expiry", expiry), ("permission", permissions)):
                if value and policy.get(field):
                    raise AzureError(403, "AuthenticationFailed", f"The {field} is given both by the SAS and by the access policy.")
            start, expiry, permissions = start or policy.get("start"), expiry or policy.get("expiry"), permissions or policy.get("permission")
        now = datetime.datetime.now(datetime.timezone.utc)
        if not expiry or not permissions:
            raise AzureError(403, "AuthenticationFailed", "Signature fields not well formed: expiry and permissions are required.")
        if (start and now < iso_time(start)) or now > iso_time(expiry):
            raise AzureError(403, "AuthenticationFailed", "Signed expiry time [%s] must be after signed start time and now." % expiry)
        self.permissions = set(permissions)
        self.sas_scope = resource

    def need(self, *letters, creating=False):
        """The SAS must grant one of the letters (`c` also counts when the blob does not exist yet)."""
        if self.permissions is None:
            return
        granted = any(letter in self.permissions for letter in letters)
        if creating and "c" in self.permissions:
            granted = True
        if not granted:
            raise AzureError(403, "AuthorizationPermissionMismatch", "This request is not authorized to perform this operation using this permission.")

    def need_account_key(self):
        if self.permissions is not None:
            raise AzureError(403, "AuthorizationPermissionMismatch", "This operation needs the account key.")

    # -- operations -------------------------------------------------------------------------------
    def route(self):
        q, store = self.query, self.server.store
        if self.container is None:
            raise AzureError(400, "InvalidUri", "Account-level operations are not served here.")
        if self.blob is None:
            if q.get("restype") != "container":
                raise AzureError(400, "InvalidQueryParameterValue", "restype=container is required on a container.")
            comp = q.get("comp")
            if comp == "list" and self.method == "GET":
                self.need("l")
                return self.list_blobs()
            if comp == "acl":
                self.need_account_key()
                return self.set_acl() if self.method == "PUT" else self.get_acl()
            self.need_account_key()
            return {"PUT": self.create_container, "DELETE": self.delete_container}.get(self.method, self.container_properties)()
        comp = q.get("comp")
        with store.lock:
            exists = store.blob_meta_path(self.container, self.blob).exists()
        if self.method == "PUT" and comp == "block":
            self.need("w", creating=not exists)
            return self.put_block()
        if self.method == "PUT" and comp == "blocklist":
            self.need("w", creating=not exists)
            return self.put_block_list()
        if self.method == "GET" and comp == "blocklist":
            self.need("r")
            return self.get_block_list()
        if self.method == "PUT" and comp is None:
            self.need("w", creating=not exists)
            return self.put_blob()
        if self.method in ("GET", "HEAD") and comp is None:
            self.need("r")
            return self.get_blob()
        if self.method == "DELETE":
            self.need("d")
            return self.delete_blob()
        raise AzureError(400, "UnsupportedHttpVerb", f"{self.method} with comp={comp} is not served here.")

    def create_container(self):
        with self.server.store.lock:
            path = self.server.store.container_dir(self.container)
            if path.exists():
                raise AzureError(409, "ContainerAlreadyExists", "The specified container already exists.")
            (path / "blobs").mkdir(parents=True)
        self.answer(201, {"ETag": new_etag(), "Last-Modified": http_date()})

    def delete_container(self):
        with self.server.store.lock:
            shutil.rmtree(self.server.store.require_container(self.container))
        self.answer(202)

    def container_properties(self):
        self.server.store.require_container(self.container)
        self.answer(200, {"ETag": '"0x1"', "Last-Modified": http_date()})

    def set_acl(self):
        body = self.read_body()
        policies = {}
        if body.strip():
            root = ET.fromstring(body)
            for identifier in root.findall("SignedIdentifier"):
                policy = identifier.find("AccessPolicy")
                entry = {}
                if policy is not None:
                    for field, tag in (("start", "Start"), ("expiry", "Expiry"), ("permission", "Permission")):
                        node = policy.find(tag)
                        if node is not None and node.text:
                            entry[field] = node.text
                policies[identifier.findtext("Id")] = entry
        if len(policies) > 5:
            raise AzureError(400, "InvalidXmlDocument", "A container holds at most 5 stored access policies.")
        with self.server.store.lock:
            path = self.server.store.require_container(self.container) / ".acl.json"
            path.write_text(json.dumps(policies))
        self.answer(200, {"ETag": new_etag(), "Last-Modified": http_date()})

    def get_acl(self):
        policies = self.server.store.acl(self.container)
        out = ['<?xml version="1.0" encoding="utf-8"?><SignedIdentifiers>']
        for name, entry in policies.items():
            out.append(f"<SignedIdentifier><Id>{name}</Id><AccessPolicy>")
            for field, tag in (("start", "Start"), ("expiry", "Expiry"), ("permission", "Permission")):
                if entry.get(field):
                    out.append(f"<{tag}>{entry[field]}</{tag}>")
            out.append("</AccessPolicy></SignedIdentifier>")
        out.append("</SignedIdentifiers>")
        self.answer(200, {"Content-Type": "application/xml", "ETag": '"0x1"', "Last-Modified": http_date()}, "".join(out).encode())

    def list_blobs(self):
        store = self.server.store
        prefix, marker = self.query.get("prefix", ""), self.query.get("marker", "")
        limit = int(self.query.get("maxresults", "5000"))
        with store.lock:
            folder = store.require_container(self.container) / "blobs"
            metas = [json.loads(p.read_text()) for p in folder.glob("*.json")]
            if "uncommittedblobs" in self.query.get("include", "").split(","):
                # Blobs that have only staged blocks: listed with size 0, as Azure does.
                committed = {m["name"] for m in metas}
                for named in (store.require_container(self.container) / "blocks").glob("*/.name"):
                    name = named.read_text()
                    if name not in committed and store.uncommitted(self.container, name):
                        metas.append({"name": name, "size": 0, "etag": '"0x0"', "modified": http_date(), "md5": None})
        # NextMarker names the first blob of the next page: a marker starts the listing there.
        names = sorted((m for m in metas if m["name"].startswith(prefix) and m["name"] >= marker), key=lambda m: m["name"])
        page, rest = names[:limit], names[limit:]
        out = [f'<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="http://127.0.0.1/{self.server.account}/" ContainerName="{self.container}">',
               f"<Prefix>{prefix}</Prefix><Marker>{marker}</Marker><MaxResults>{limit}</MaxResults><Blobs>"]
        for m in page:
            out.append(f"<Blob><Name>{xml_escape(m['name'])}</Name><Properties><Last-Modified>{m['modified']}</Last-Modified>"
                       f"<Etag>{m['etag']}</Etag><Content-Length>{m['size']}</Content-Length>"
                       f"<Content-Type>{m.get('type', 'application/octet-stream')}</Content-Type>"
                       f"<Content-MD5>{m.get('md5') or ''}</Content-MD5><BlobType>BlockBlob</BlobType>"
                       f"<LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState></Properties></Blob>")
        out.append(f"</Blobs><NextMarker>{xml_escape(rest[0]['name']) if rest else ''}</NextMarker></EnumerationResults>")
        self.answer(200, {"Content-Type": "application/xml"}, "".join(out).encode())

    def put_block(self):
        store = self.server.store
        block_id = self.query.get("blockid", "")
        try:
            raw = base64.b64decode(block_id, validate=True)
        except ValueError:
            raw = b""
        if not block_id or not raw or len(raw) > 64:
            raise AzureError(400, "InvalidQueryParameterValue", "Value for one of the query parameters specified in the request URI is invalid (blockid).")
        if self.body_left > MAX_BLOCK:
            raise AzureError(413, "RequestBodyTooLarge", "The request body is too large and exceeds the maximum permissible limit.")
        with store.lock:
            folder = store.blocks_dir(self.container, self.blob)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / ".name").write_text(self.blob)
            others = store.uncommitted(self.container, self.blob)
            if others and any(len(other) != len(block_id) for other in others):
                raise AzureError(400, "InvalidBlobOrBlock", "The specified blob or block content is invalid (block ids of a blob must be of equal length).")
        target = folder / block_id.encode().hex()
        temp = target.with_name(target.name + "." + uuid.uuid4().hex[:8] + ".tmp")
        wanted = self.headers.get("Content-MD5")
        md5 = hashlib.md5() if wanted else None
        try:
            self.stream_body_to(temp, md5)
            if md5 is not None and base64.b64encode(md5.digest()).decode() != wanted:
                raise AzureError(400, "Md5Mismatch", "The MD5 value specified in the request did not match with the MD5 value calculated by the server.")
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
        self.answer(201, {"x-ms-request-server-encrypted": "false"})

    def put_block_list(self):
        store = self.server.store
        root = ET.fromstring(self.read_body() or b"<BlockList/>")
        with store.lock:
            try:
                committed = {b["id"]: b for b in store.blob_meta(self.container, self.blob).get("blocks", [])}
            except AzureError:
                committed = {}
            uncommitted = store.uncommitted(self.container, self.blob)
            chosen = []
            for node in root:
                block_id = node.text or ""
                where = node.tag
                if where in ("Latest", "Uncommitted") and block_id in uncommitted:
                    chosen.append(("new", block_id, uncommitted[block_id]))
                elif where in ("Latest", "Committed") and block_id in committed:
                    chosen.append(("old", block_id, committed[block_id]["size"]))
                else:
                    raise AzureError(400, "InvalidBlockList", "The specified block list is invalid.")
            if len(chosen) > MAX_BLOCKS:
                raise AzureError(409, "BlockCountExceedsLimit", "The committed block count cannot exceed the maximum limit of 50,000 blocks.")
            data_path = store.blob_data_path(self.container, self.blob)
            data_path.parent.mkdir(parents=True, exist_ok=True)
            temp = data_path.with_suffix(".building")
            offsets, offset = [], 0
            with open(temp, "wb") as out:
                for origin, block_id, size in chosen:
                    if origin == "new":
                        source = store.blocks_dir(self.container, self.blob) / block_id.encode().hex()
                        with open(source, "rb") as src:
                            shutil.copyfileobj(src, out, CHUNK)
                    else:
                        with open(data_path, "rb") as src:
                            src.seek(committed[block_id]["offset"])
                            left = size
                            while left:
                                chunk = src.read(min(CHUNK, left))
                                out.write(chunk)
                                left -= len(chunk)
                    offsets.append({"id": block_id, "size": size, "offset": offset})
                    offset += size
            os.replace(temp, data_path)
            shutil.rmtree(store.blocks_dir(self.container, self.blob), ignore_errors=True)
            meta = {"name": self.blob, "size": offset, "etag": new_etag(), "modified": http_date(),
                    "md5": self.headers.get("x-ms-blob-content-md5"), "type": self.headers.get("x-ms-blob-content-type", "application/octet-stream"),
                    "blocks": offsets}
            store.write_meta(self.container, self.blob, meta)
        self.answer(201, {"ETag": meta["etag"], "Last-Modified": meta["modified"], "x-ms-request-server-encrypted": "false"})

    def get_block_list(self):
        store = self.server.store
        kind = self.query.get("blocklisttype", "committed").lower()
        with store.lock:
            try:
                meta = store.blob_meta(self.container, self.blob)
            except AzureError:
                meta = None
            uncommitted = store.uncommitted(self.container, self.blob)
        if meta is None and not uncommitted:
            raise AzureError(404, "BlobNotFound", "The specified blob does not exist.")
        out = ['<?xml version="1.0" encoding="utf-8"?><BlockList>']
        if kind in ("committed", "all"):
            out.append("<CommittedBlocks>" + "".join(f"<Block><Name>{b['id']}</Name><Size>{b['size']}</Size></Block>"
                                                     for b in (meta or {}).get("blocks", [])) + "</CommittedBlocks>")
        if kind in ("uncommitted", "all"):
            out.append("<UncommittedBlocks>" + "".join(f"<Block><Name>{i}</Name><Size>{s}</Size></Block>"
                                                       for i, s in sorted(uncommitted.items())) + "</UncommittedBlocks>")
        out.append("</BlockList>")
        headers = {"Content-Type": "application/xml"}
        if meta:
            headers.update({"ETag": meta["etag"], "Last-Modified": meta["modified"], "x-ms-blob-content-length": str(meta["size"])})
        self.answer(200, headers, "".join(out).encode())

    def put_blob(self):
        store = self.server.store
        if self.headers.get("x-ms-blob-type") != "BlockBlob":
            raise AzureError(400, "InvalidHeaderValue", "x-ms-blob-type must be BlockBlob here.")
        with store.lock:
            data_path = store.blob_data_path(self.container, self.blob)
            data_path.parent.mkdir(parents=True, exist_ok=True)
        temp = data_path.with_name(data_path.name + "." + uuid.uuid4().hex[:8] + ".tmp")
        md5 = hashlib.md5()
        try:
            size = self.stream_body_to(temp, md5)
            digest = base64.b64encode(md5.digest()).decode()
            wanted = self.headers.get("Content-MD5")
            if wanted and wanted != digest:
                raise AzureError(400, "Md5Mismatch", "The MD5 value specified in the request did not match with the MD5 value calculated by the server.")
            with store.lock:
                os.replace(temp, data_path)
                shutil.rmtree(store.blocks_dir(self.container, self.blob), ignore_errors=True)
                meta = {"name": self.blob, "size": size, "etag": new_etag(), "modified": http_date(),
                        "md5": self.headers.get("x-ms-blob-content-md5") or digest,
                        "type": self.headers.get("x-ms-blob-content-type", "application/octet-stream"),
                        "blocks": []}
                store.write_meta(self.container, self.blob, meta)
        finally:
            temp.unlink(missing_ok=True)
        self.answer(201, {"ETag": meta["etag"], "Last-Modified": meta["modified"], "Content-MD5": meta["md5"],
                          "x-ms-request-server-encrypted": "false"})

    def get_blob(self):
        store = self.server.store
        with store.lock:
            meta = store.blob_meta(self.container, self.blob)
            handle = open(store.blob_data_path(self.container, self.blob), "rb")
        with handle:
            size = meta["size"]
            headers = {"ETag": meta["etag"], "Last-Modified": meta["modified"], "Content-Type": meta.get("type", "application/octet-stream"),
                       "Accept-Ranges": "bytes", "x-ms-blob-type": "BlockBlob", "x-ms-server-encrypted": "false",
                       "x-ms-creation-time": meta["modified"], "x-ms-lease-state": "available", "x-ms-lease-status": "unlocked"}
            spec = self.headers.get("x-ms-range") or self.headers.get("Range")
            start, end, status = 0, size - 1, 200
            if spec and self.method == "GET":
                try:
                    first, _, last = spec.strip().removeprefix("bytes=").partition("-")
                    start, end = int(first), (int(last) if last else size - 1)
                except ValueError:
                    raise AzureError(400, "InvalidRange", "The range specified is invalid for the current size of the resource.")
                if start >= size or end < start:
                    raise AzureError(416, "InvalidRange", "The range specified is invalid for the current size of the resource.")
                end = min(end, size - 1)
                status = 206
                headers["Content-Range"] = f"bytes {start}-{end}/{size}"
                if meta.get("md5"):
                    headers["x-ms-blob-content-md5"] = meta["md5"]
            elif meta.get("md5"):
                headers["Content-MD5"] = meta["md5"]
            length = end - start + 1 if size else 0
            headers["Content-Length"] = str(length)
            self.answer(status, headers)
            if self.method == "GET" and length:
                self.wfile.flush()
                self.connection.sendfile(handle, start, length)

    def delete_blob(self):
        store = self.server.store
        with store.lock:
            store.blob_meta(self.container, self.blob)
            store.blob_meta_path(self.container, self.blob).unlink()
            store.blob_data_path(self.container, self.blob).unlink(missing_ok=True)
            shutil.rmtree(store.blocks_dir(self.container, self.blob), ignore_errors=True)
        self.answer(202, {"x-ms-delete-type-permanent": "true"})


def xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=10000)
    parser.add_argument("--account", required=True)
    parser.add_argument("--key", required=True, help="the account key, base64")
    parser.add_argument("--data", required=True)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    server = Server(("127.0.0.1", args.port), Handler)
    server.account, server.key = args.account, base64.b64decode(args.key)
    server.store, server.verbose = Store(args.data), args.verbose
    print(f"azure test server: http://127.0.0.1:{args.port}/{args.account}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
