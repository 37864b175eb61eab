"""A local S3 (moto's server mode, in its own process) with real credentials checked.

moto accepts any credentials until told otherwise: the fixture creates an IAM user and its
access key, the bucket and its objects, then turns authentication on, so a wrong key is
refused with 403 as S3 would. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog_data import free_port, server_process

REGION = "us-east-1"


@dataclass
class LocalS3:
    endpoint: str
    access_key: str
    secret_key: str

    def env(self) -> dict[str, str]:
        """What a process needs to reach this S3 with object_store's conventions (and nothing else)."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ALLOW_HTTP": "true",
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_METADATA_ENDPOINT": "http://127.0.0.1:9",  # never the real instance metadata
        }


def _boto(endpoint: str, service: str) -> Any:
    import boto3

    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="setup",
        aws_secret_access_key="setup",
    )


@contextlib.contextmanager
def local_s3(objects: dict[str, dict[str, Path]], enforce_auth: bool = True) -> Iterator[LocalS3]:
    """moto on a free port, with ``{bucket: {key: local file}}`` uploaded, auth then enforced
    (unless not ``enforce_auth``: moto answers 500 to pre-signed URLs while it checks auth)."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with server_process(cmd, port):
        iam = _boto(endpoint, "iam")
        iam.create_user(UserName="rerun")
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        iam.put_user_policy(UserName="rerun", PolicyName="all", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="rerun")["AccessKey"]
        s3 = _boto(endpoint, "s3")
        for bucket, files in objects.items():
            s3.create_bucket(Bucket=bucket)
            for name, path in files.items():
                s3.put_object(Bucket=bucket, Key=name, Body=path.read_bytes())
        if enforce_auth:
            req = urllib.request.Request(
                f"{endpoint}/moto-api/reset-auth",
                data=b"0",
                method="POST",
                headers={"Content-Type": "text/plain"},
            )
            with urllib.request.urlopen(req, timeout=10) as resp:
                assert resp.status == 200
        yield LocalS3(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
