#!/usr/bin/env python3
"""Conformance of the Azure test server (server.py), shown with the official SDK
(azure-storage-blob, pinned in scripts/requirements.txt): if Microsoft's own client uploads in
blocks, downloads ranges, works through SAS tokens that reference stored access policies, and gets
Azure's errors where Azure gives them, the server is a fair stand-in for the real service.

Starts its own server on a free port with a temporary data folder. Run: make test, or
  .scoretune/venv/bin/python scripts/azure/conformance.py -v
"""
import base64
import datetime
import hashlib
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError
from azure.storage.blob import (AccessPolicy, BlobClient, BlobServiceClient, BlobSasPermissions, BlobBlock,
                                ContainerSasPermissions, ContentSettings, generate_blob_sas, generate_container_sas)

ACCOUNT = "conformance"
KEY = base64.b64encode(b"conformance-test-key-" + bytes(range(43))).decode()
CONTAINER = "score-object"
HERE = pathlib.Path(__file__).resolve().parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AzureTestServerConformance(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = tempfile.TemporaryDirectory(prefix="scoretune-azure-conformance-")
        port = free_port()
        cls.server = subprocess.Popen([sys.executable, str(HERE / "server.py"), "--port", str(port), "--account", ACCOUNT,
                                       "--key", KEY, "--data", cls.data.name], stdout=subprocess.DEVNULL)
        cls.endpoint = f"http://127.0.0.1:{port}/{ACCOUNT}"
        for _ in range(100):  # bounded wait for the listener
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        cls.service = BlobServiceClient(cls.endpoint, credential={"account_name": ACCOUNT, "account_key": KEY})
        cls.container = cls.service.create_container(CONTAINER)
        cls.container.set_container_access_policy(signed_identifiers={
            "UploadPolicy": AccessPolicy(permission=ContainerSasPermissions(add=True, create=True, write=True)),
            "DownloadPolicy": AccessPolicy(permission=ContainerSasPermissions(read=True, list=True)),
        })

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=10)
        cls.data.cleanup()

    def sas_url(self, blob, policy, start=None, expiry=None, permission=None):
        now = datetime.datetime.now(datetime.timezone.utc)
        token = generate_blob_sas(ACCOUNT, CONTAINER, blob, account_key=KEY, policy_id=policy, permission=permission,
                                  start=start or now - datetime.timedelta(minutes=15),
                                  expiry=expiry or now + datetime.timedelta(days=1))
        return f"{self.endpoint}/{CONTAINER}/{blob}?{token}"

    def test_upload_in_blocks_and_download_whole_and_ranges(self):
        data = os.urandom(5 * 1024 * 1024 + 123)
        # Blocks of 1 MiB: the SDK stages six blocks and commits them with Put Block List.
        service = BlobServiceClient(self.endpoint, credential={"account_name": ACCOUNT, "account_key": KEY},
                                    max_block_size=1024 * 1024, max_single_put_size=1024 * 1024)
        blob = service.get_blob_client(CONTAINER, "blocks/one")
        blob.upload_blob(data, overwrite=True, max_concurrency=3)
        committed, uncommitted = blob.get_block_list("all")
        self.assertEqual(len(committed), 6)
        self.assertEqual(uncommitted, [])
        self.assertEqual(blob.download_blob().readall(), data)
        self.assertEqual(blob.download_blob(offset=1000, length=4096).readall(), data[1000:5096])
        self.assertEqual(blob.download_blob(offset=len(data) - 10).readall(), data[-10:])
        self.assertEqual(blob.get_blob_properties().size, len(data))

    def test_staged_blocks_commit_with_content_md5(self):
        parts = [os.urandom(300_000), os.urandom(300_000), os.urandom(1000)]
        ids = [base64.b64encode(f"block-{i:06d}".encode()).decode() for i in range(len(parts))]
        blob = self.container.get_blob_client("blocks/md5")
        for block_id, part in zip(ids, parts):
            blob.stage_block(block_id, part)
        _, uncommitted = blob.get_block_list("uncommitted")
        self.assertEqual(sorted(b.id for b in uncommitted), sorted(ids))
        md5 = hashlib.md5(b"".join(parts)).digest()
        blob.commit_block_list([BlobBlock(block_id=i) for i in ids], content_settings=ContentSettings(content_md5=md5))
        properties = blob.get_blob_properties()
        self.assertEqual(bytes(properties.content_settings.content_md5), md5)
        self.assertEqual(blob.download_blob().readall(), b"".join(parts))

    def test_unknown_block_in_list_is_invalid_block_list(self):
        blob = self.container.get_blob_client("blocks/bad-list")
        with self.assertRaises(HttpResponseError) as caught:
            blob.commit_block_list([BlobBlock(block_id=base64.b64encode(b"never-staged").decode())])
        self.assertEqual(caught.exception.error_code, "InvalidBlockList")

    def test_sas_from_stored_policies_upload_then_download(self):
        data = os.urandom(700_000)
        upload = BlobClient.from_blob_url(self.sas_url("sas/object", "UploadPolicy"))
        ids = [base64.b64encode(f"{i:08d}".encode()).decode() for i in range(2)]
        upload.stage_block(ids[0], data[:400_000])
        upload.stage_block(ids[1], data[400_000:])
        upload.commit_block_list([BlobBlock(block_id=i) for i in ids])
        download = BlobClient.from_blob_url(self.sas_url("sas/object", "DownloadPolicy"))
        self.assertEqual(download.download_blob(offset=100, length=1000).readall(), data[100:1100])
        # The download policy grants no write; the upload policy no read.
        with self.assertRaises(HttpResponseError) as caught:
            download.upload_blob(b"x", overwrite=True)
        self.assertEqual(caught.exception.status_code, 403)
        self.assertEqual(caught.exception.error_code, "AuthorizationPermissionMismatch")
        with self.assertRaises(HttpResponseError) as caught:
            upload.download_blob().readall()
        self.assertEqual(caught.exception.error_code, "AuthorizationPermissionMismatch")

    def test_container_sas_lists_with_the_download_policy(self):
        for i in range(3):
            self.container.upload_blob(f"listing/{i}", b"x", overwrite=True)
        now = datetime.datetime.now(datetime.timezone.utc)
        token = generate_container_sas(ACCOUNT, CONTAINER, account_key=KEY, policy_id="DownloadPolicy",
                                       start=now - datetime.timedelta(minutes=15), expiry=now + datetime.timedelta(hours=1))
        client = BlobServiceClient(f"{self.endpoint}?{token}").get_container_client(CONTAINER)
        names = [b.name for b in client.list_blobs(name_starts_with="listing/", results_per_page=2)]
        self.assertEqual(names, ["listing/0", "listing/1", "listing/2"])

    def test_listing_includes_uncommitted_blobs_on_request(self):
        blob = self.container.get_blob_client("staged/only")
        blob.stage_block(base64.b64encode(b"000001").decode(), b"staged bytes")
        plain = [b.name for b in self.container.list_blobs(name_starts_with="staged/")]
        self.assertEqual(plain, [])
        with_uncommitted = [b.name for b in self.container.list_blobs(name_starts_with="staged/", include=["uncommittedblobs"])]
        self.assertEqual(with_uncommitted, ["staged/only"])
        # An empty commit turns the staged blocks into an empty blob, which then deletes.
        blob.commit_block_list([])
        blob.delete_blob()
        self.assertEqual([b.name for b in self.container.list_blobs(name_starts_with="staged/", include=["uncommittedblobs"])], [])

    def test_listing_pages_with_markers(self):
        for i in range(5):
            self.container.upload_blob(f"pages/{i}", b"y", overwrite=True)
        pages = list(self.container.list_blobs(name_starts_with="pages/", results_per_page=2).by_page())
        self.assertEqual([[b.name for b in page] for page in pages], [["pages/0", "pages/1"], ["pages/2", "pages/3"], ["pages/4"]])

    def test_wrong_account_key_is_authentication_failed(self):
        wrong = base64.b64encode(b"not-the-key" * 4).decode()
        service = BlobServiceClient(self.endpoint, credential={"account_name": ACCOUNT, "account_key": wrong})
        with self.assertRaises(ClientAuthenticationError) as caught:
            service.get_container_client(CONTAINER).get_container_properties()
        self.assertEqual(caught.exception.status_code, 403)
        self.assertEqual(caught.exception.error_code, "AuthenticationFailed")

    def test_expired_sas_is_refused(self):
        past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)
        url = self.sas_url("sas/expired", "UploadPolicy", start=past - datetime.timedelta(hours=1), expiry=past)
        with self.assertRaises(ClientAuthenticationError) as caught:
            BlobClient.from_blob_url(url).upload_blob(b"z")
        self.assertEqual(caught.exception.status_code, 403)
        self.assertEqual(caught.exception.error_code, "AuthenticationFailed")

    def test_sas_naming_a_missing_policy_is_refused(self):
        with self.assertRaises(ClientAuthenticationError) as caught:
            BlobClient.from_blob_url(self.sas_url("sas/nopolicy", "NoSuchPolicy")).upload_blob(b"z")
        self.assertEqual(caught.exception.error_code, "AuthenticationFailed")

    def test_tampered_sas_is_refused(self):
        url = self.sas_url("sas/tampered", "UploadPolicy").replace("sas/tampered", "sas/other")
        with self.assertRaises(ClientAuthenticationError):
            BlobClient.from_blob_url(url).upload_blob(b"z")

    def test_stored_policies_read_back(self):
        identifiers = {i.id: i.access_policy.permission for i in self.container.get_container_access_policy()["signed_identifiers"]}
        self.assertEqual(identifiers, {"UploadPolicy": "acw", "DownloadPolicy": "rl"})

    def test_delete_then_not_found(self):
        blob = self.container.get_blob_client("gone")
        blob.upload_blob(b"bye", overwrite=True)
        blob.delete_blob()
        with self.assertRaises(ResourceNotFoundError) as caught:
            blob.get_blob_properties()
        self.assertEqual(caught.exception.status_code, 404)
        with self.assertRaises(ResourceNotFoundError) as caught:
            blob.delete_blob()
        self.assertEqual(caught.exception.error_code, "BlobNotFound")

    def test_missing_container_is_container_not_found(self):
        with self.assertRaises(ResourceNotFoundError) as caught:
            self.service.get_container_client("no-such-container").get_blob_client("x").upload_blob(b"x")
        self.assertEqual(caught.exception.error_code, "ContainerNotFound")

    def test_range_beyond_the_end_is_invalid_range(self):
        blob = self.container.get_blob_client("short")
        blob.upload_blob(b"0123456789", overwrite=True)
        with self.assertRaises(HttpResponseError) as caught:
            blob.download_blob(offset=100, length=10).readall()
        self.assertEqual(caught.exception.status_code, 416)


if __name__ == "__main__":
    unittest.main()
