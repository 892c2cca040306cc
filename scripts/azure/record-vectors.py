#!/usr/bin/env python3
"""Records Azure Blob signatures from the reference SDK (azure-storage-blob, pinned) for fixed
inputs: Shared Key Authorization headers for the requests scoretune sends, and service SAS tokens
as Score makes them (a stored access policy named by si=, start and expiry in the token).

Writes Tests/ObjectStoreTests/Vectors/azure-signatures.json; the Swift signer must reproduce every
header and token in it. Run with the project's venv:
    .scoretune/venv/bin/python scripts/azure/record-vectors.py
"""
import datetime
import json
import pathlib

from azure.core.pipeline import PipelineContext, PipelineRequest
from azure.core.pipeline.transport import HttpRequest
from azure.storage.blob import BlobSasPermissions, ContainerSasPermissions, generate_blob_sas, generate_container_sas
from azure.storage.blob._shared.authentication import SharedKeyCredentialPolicy

ACCOUNT = "scoretuneacct"
KEY = "c2NvcmV0dW5lLXJlY29yZGVkLXZlY3RvcnMta2V5LW5vdC1hLXJlYWwtc2VjcmV0LTAxMjM0NTY3ODk="
VERSION = "2026-10-06"
DATE = "Wed, 25 Nov 2026 06:30:15 GMT"
BASE = "http://127.0.0.1:10000/" + ACCOUNT
OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "ObjectStoreTests" / "Vectors" / "azure-signatures.json"

# (name, method, url, headers)
REQUESTS = [
    ("put-block", "PUT", BASE + "/score-object/0b5e2c7a-1f3d-4e9a-b6c8-2d4f6a8b0c1e?comp=block&blockid=MDAwMDAx",
     {"Content-Length": "4194304"}),
    ("put-block-list", "PUT", BASE + "/score-object/0b5e2c7a-1f3d-4e9a-b6c8-2d4f6a8b0c1e?comp=blocklist",
     {"Content-Length": "97", "Content-Type": "application/xml", "x-ms-blob-content-md5": "1B2M2Y8AsgTpgAmY7PhCfg=="}),
    ("get-blob-range", "GET", BASE + "/score-object/heliograph", {"x-ms-range": "bytes=0-1048575"}),
    ("get-blob-properties", "HEAD", BASE + "/score-object/heliograph", {}),
    ("delete-blob", "DELETE", BASE + "/score-object/a%20blob%2Bname", {}),
    ("put-blob-empty", "PUT", BASE + "/score-object/empty", {"Content-Length": "0", "x-ms-blob-type": "BlockBlob"}),
    ("list-blobs", "GET", BASE + "/score-object?restype=container&comp=list&prefix=scoretune%2F&marker=scoretune%2Fb&maxresults=2", {}),
    ("get-container-acl", "GET", BASE + "/score-object?restype=container&comp=acl", {}),
    ("get-block-list", "GET", BASE + "/score-object/x?comp=blocklist&blocklisttype=uncommitted", {}),
    ("real-endpoint", "GET", "https://" + ACCOUNT + ".blob.core.windows.net/score-object/heliograph", {"x-ms-range": "bytes=5-9"}),
]

START = datetime.datetime(2026, 11, 25, 6, 15, 15, tzinfo=datetime.timezone.utc)
EXPIRY = datetime.datetime(2026, 11, 26, 6, 30, 15, tzinfo=datetime.timezone.utc)


def shared_key_vectors():
    policy = SharedKeyCredentialPolicy(ACCOUNT, KEY)
    vectors = []
    for name, method, url, headers in REQUESTS:
        request = HttpRequest(method, url, headers={**headers, "x-ms-date": DATE, "x-ms-version": VERSION})
        policy.on_request(PipelineRequest(request, PipelineContext(None)))
        vectors.append({"name": name, "method": method, "url": url, "headers": {**headers, "x-ms-date": DATE, "x-ms-version": VERSION},
                        "authorization": request.headers["Authorization"]})
    return vectors


def sas_vectors():
    out = []
    for name, blob, policy in (("upload-policy", "0b5e2c7a-1f3d-4e9a-b6c8-2d4f6a8b0c1e", "UploadPolicy"),
                               ("download-policy", "heliograph", "DownloadPolicy"),
                               ("odd-name", "data/a b+c", "UploadPolicy")):
        token = generate_blob_sas(ACCOUNT, "score-object", blob, account_key=KEY, policy_id=policy, start=START, expiry=EXPIRY, version=VERSION)
        out.append({"name": name, "resource": "b", "container": "score-object", "blob": blob, "policy": policy,
                    "permission": None, "start": START.strftime("%Y-%m-%dT%H:%M:%SZ"), "expiry": EXPIRY.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "version": VERSION, "token": token})
    token = generate_blob_sas(ACCOUNT, "score-object", "heliograph", account_key=KEY, permission=BlobSasPermissions(read=True),
                              expiry=EXPIRY, version=VERSION)
    out.append({"name": "ad-hoc-read", "resource": "b", "container": "score-object", "blob": "heliograph", "policy": None,
                "permission": "r", "start": None, "expiry": EXPIRY.strftime("%Y-%m-%dT%H:%M:%SZ"), "version": VERSION, "token": token})
    token = generate_container_sas(ACCOUNT, "score-object", account_key=KEY, policy_id="DownloadPolicy", start=START, expiry=EXPIRY,
                                   version=VERSION)
    out.append({"name": "container-policy", "resource": "c", "container": "score-object", "blob": None, "policy": "DownloadPolicy",
                "permission": None, "start": START.strftime("%Y-%m-%dT%H:%M:%SZ"), "expiry": EXPIRY.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "version": VERSION, "token": token})
    return out


def main():
    import azure.storage.blob
    OUT.write_text(json.dumps({"recorder": f"azure-storage-blob {azure.storage.blob.__version__} (scripts/azure/record-vectors.py)",
                               "account": ACCOUNT, "key": KEY, "sharedKey": shared_key_vectors(), "sas": sas_vectors()}, indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
