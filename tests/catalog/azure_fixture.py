"""A local Azure Blob Storage (Azurite, from npm, in its own process) on 127.0.0.1.

`scripts/install.sh` installs Azurite under `tests/.emulators/` (gitignored). Its account is the
well-known development one (`devstoreaccount1` and its published key), which is what
object_store's `AZURE_STORAGE_USE_EMULATOR` convention assumes; `AZURITE_BLOB_STORAGE_URL`
points it at our port. Requests are signed with that key and checked: a wrong key gets 403.
Telemetry is off and the data stays in memory, so nothing leaves the machine or the test.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .catalog_data import free_port, server_process

AZURITE = Path(__file__).resolve().parents[1] / ".emulators" / "node_modules" / ".bin" / "azurite-blob"
ACCOUNT = "devstoreaccount1"
# Azurite's fixed development key (published in its documentation), not a secret.
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


@dataclass
class LocalAzure:
    endpoint: str  # http://127.0.0.1:<port>

    def env(self) -> dict[str, str]:
        """What a process needs to reach this Azurite with object_store's conventions."""
        return {
            "AZURE_STORAGE_USE_EMULATOR": "true",
            "AZURITE_BLOB_STORAGE_URL": self.endpoint,
            "AZURE_STORAGE_ACCOUNT_NAME": ACCOUNT,
            "AZURE_STORAGE_ACCOUNT_KEY": ACCOUNT_KEY,
            "AZURE_ALLOW_HTTP": "true",
        }


def azurite_available() -> bool:
    return AZURITE.exists()


@contextlib.contextmanager
def local_azure(objects: dict[str, dict[str, Path]]) -> Iterator[LocalAzure]:
    """Azurite on a free port, with ``{container: {blob name: local file}}`` uploaded."""
    from azure.storage.blob import BlobServiceClient

    port = free_port()
    cmd = [
        str(AZURITE),
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
        "--inMemoryPersistence",
        "--disableTelemetry",
        "--skipApiVersionCheck",
        "--silent",
    ]
    with server_process(cmd, port):
        endpoint = f"http://127.0.0.1:{port}"
        conn = (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint={endpoint}/{ACCOUNT};"
        )
        service = BlobServiceClient.from_connection_string(conn)
        for container, files in objects.items():
            service.create_container(container)
            for name, path in files.items():
                service.get_blob_client(container, name).upload_blob(path.read_bytes())
        yield LocalAzure(endpoint)
