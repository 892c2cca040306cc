#!/usr/bin/env python3
"""Records S3 request signatures from botocore (the reference client) for fixed inputs.

Writes Tests/ObjectStoreTests/Vectors/s3-signatures.json; the Swift signers must reproduce every
Authorization header and presigned URL in it. Run with the project's pinned botocore:
    .scoretune/venv/bin/python scripts/record-s3-vectors.py
"""
import datetime
import json
import os
import sys
from unittest import mock

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS, SECRET = "AKIDSCORETUNEEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
NOW = datetime.datetime(2026, 11, 25, 6, 30, 15, tzinfo=datetime.timezone.utc)
HTTP_DATE = "Wed, 25 Nov 2026 06:30:15 GMT"
EPOCH = int(NOW.timestamp())
creds = Credentials(ACCESS, SECRET)

# (name, method, url, headers, body, payload signed?)
REQUESTS = [
    ("get-object", "GET", "http://127.0.0.1:8333/score-object/data/heliograph", {}, b"", True),
    ("put-object", "PUT", "http://127.0.0.1:8333/score-state/data/abc.meta",
     {"Content-Type": "application/json"}, b'{"objectId":"abc"}', True),
    ("ranged-get", "GET", "http://127.0.0.1:7480/score-object/data/obj1", {"Range": "bytes=0-1048575"}, b"", True),
    ("head-object", "HEAD", "http://127.0.0.1:7480/score-object/data/obj1", {}, b"", True),
    ("delete-object", "DELETE", "http://127.0.0.1:8334/score-state/upload/x_y/.meta", {}, b"", True),
    ("encoded-key", "GET",
     "http://127.0.0.1:8333/score-object/data/a%20file%2Bname%281%29%7Cpart-00000001", {}, b"", True),
    ("list-objects-v2", "GET",
     "http://127.0.0.1:8333/score-state?continuation-token=ab%2Bc%2F%3D&list-type=2&max-keys=1000&prefix=upload%2F",
     {}, b"", True),
    ("create-multipart", "POST", "http://127.0.0.1:8333/score-object/data/obj1?uploads", {}, b"", True),
    ("upload-part-unsigned", "PUT", "https://s3.example.test/score-object/data/obj1?partNumber=3&uploadId=2~abc.DEF_g-h",
     {"Content-Length": "5"}, b"hello", False),
    ("complete-multipart", "POST", "http://127.0.0.1:8333/score-object/data/obj1?uploadId=2~abc",
     {"Content-Type": "application/xml"},
     b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"x\"</ETag></Part></CompleteMultipartUpload>",
     True),
    ("list-multipart-uploads", "GET",
     "http://127.0.0.1:8333/score-object?key-marker=data%2Fobj1&prefix=data%2F&upload-id-marker=2~abc&uploads", {}, b"", True),
    ("list-parts", "GET", "http://127.0.0.1:8333/score-object/data/obj1?part-number-marker=2&uploadId=2~abc", {}, b"", True),
]

PRESIGNED = [
    ("presigned-put-part", "PUT", "http://127.0.0.1:8333/score-object/data/obj1?partNumber=7&uploadId=2~abc", {}, 518400),
    ("presigned-ranged-get", "GET", "http://127.0.0.1:8333/score-object/data/obj1", {"Range": "bytes=100-199"}, 86400),
    ("presigned-sentinel", "GET", "http://127.0.0.1:7480/score-object/data/heliograph", {}, 300),
]


class S3Config:
    """Stands in for botocore's client config: only `s3.payload_signing_enabled` is read."""
    def __init__(self, signed):
        self.s3 = {"payload_signing_enabled": signed}


def sigv4_header(name, method, url, headers, body, signed):
    req = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    req.context["client_config"] = S3Config(signed)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=NOW.replace(tzinfo=None)):
        botocore.auth.S3SigV4Auth(creds, "s3", REGION).add_auth(req)
    return {"name": name, "method": method, "url": url, "headers": headers, "body": body.decode(),
            "signedPayload": signed,
            "expect": {k: req.headers[k] for k in ("Authorization", "X-Amz-Date", "X-Amz-Content-SHA256")}}


def sigv4_query(name, method, url, headers, expires):
    req = AWSRequest(method=method, url=url, headers=dict(headers))
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=NOW.replace(tzinfo=None)):
        botocore.auth.S3SigV4QueryAuth(creds, "s3", REGION, expires=expires).add_auth(req)
    return {"name": name, "method": method, "url": url, "headers": headers, "expires": expires,
            "expect": {"url": req.url}}


def sigv2_header(name, method, url, headers, body):
    req = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    with mock.patch.object(botocore.auth.HmacV1Auth, "_get_date", return_value=HTTP_DATE):
        botocore.auth.HmacV1Auth(creds).add_auth(req)
    return {"name": name, "method": method, "url": url, "headers": headers, "body": body.decode(),
            "expect": {"Authorization": req.headers["Authorization"], "Date": req.headers["Date"]}}


def sigv2_query(name, method, url, headers, expires):
    req = AWSRequest(method=method, url=url, headers=dict(headers))
    with mock.patch.object(botocore.auth.time, "time", return_value=EPOCH):
        botocore.auth.HmacV1QueryAuth(creds, expires=expires).add_auth(req)
    return {"name": name, "method": method, "url": url, "headers": headers, "expires": expires,
            "expect": {"url": req.url}}


def main():
    out = {
        "recordedWith": f"botocore {botocore.__version__}",
        "accessKey": ACCESS, "secretKey": SECRET, "region": REGION,
        "amzDate": NOW.strftime("%Y%m%dT%H%M%SZ"), "httpDate": HTTP_DATE, "epoch": EPOCH,
        "sigv4Header": [sigv4_header(*r) for r in REQUESTS],
        "sigv4Query": [sigv4_query(*r) for r in PRESIGNED],
        "sigv2Header": [sigv2_header(*r[:5]) for r in REQUESTS],
        "sigv2Query": [sigv2_query(*r) for r in PRESIGNED],
    }
    target = os.path.join(os.path.dirname(__file__), "..", "Tests", "ObjectStoreTests", "Vectors", "s3-signatures.json")
    with open(target, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {os.path.normpath(target)}", file=sys.stderr)


if __name__ == "__main__":
    main()
