#!/usr/bin/env python3
"""Provisions the Azure test server the way an operator provisions a Score storage account, with
the reference SDK (azure-storage-blob): the object container, its two stored access policies
(BUCKET_POLICY_UPLOAD: add/create/write; BUCKET_POLICY_DOWNLOAD: read/list) and the sentinel blob.

  provision.py ENDPOINT ACCOUNT KEY CONTAINER UPLOAD_POLICY DOWNLOAD_POLICY SENTINEL
"""
import datetime
import sys

from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import AccessPolicy, BlobServiceClient, ContainerSasPermissions


def main():
    endpoint, account, key, container, upload, download, sentinel = sys.argv[1:8]
    service = BlobServiceClient(account_url=endpoint, credential={"account_name": account, "account_key": key})
    client = service.get_container_client(container)
    try:
        client.create_container()
    except ResourceExistsError:
        pass
    # Policies with no start or expiry: Score's SAS tokens carry both (now - 15 min, now + 1 day).
    client.set_container_access_policy(signed_identifiers={
        upload: AccessPolicy(permission=ContainerSasPermissions(add=True, create=True, write=True)),
        download: AccessPolicy(permission=ContainerSasPermissions(read=True, list=True)),
    })
    client.upload_blob(sentinel, b"scoretune sentinel for Score ping\n", overwrite=True)


if __name__ == "__main__":
    main()
