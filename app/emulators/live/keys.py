"""The emulators' signing keys: RealtimeKit's webhook key pair and a Google-style JWKS.

Generated once per process (RSA keys cannot be derived from the seed cheaply),
so a gateway running on the in-process emulators trusts them without any
configuration. A gateway in another process reads them over HTTP:
`GET /.well-known/webhooks.json` (RealtimeKit's documented location) and
`GET /oauth2/v3/certs` (the JWKS, where Google serves its own).
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

__all__ = ["DEMO_PUSH", "DemoPush", "EmulatorKeys", "emulator_keys"]


@dataclass(frozen=True)
class DemoPush:
    """The Pub/Sub push subscription the Meet emulator pretends to be."""

    audience: str = "https://sessiongraph.local/webhooks/meet"
    service_account: str = "meet-push@sessiongraph-demo.iam.gserviceaccount.com"
    issuer: str = "https://accounts.google.com"


DEMO_PUSH = DemoPush()


@dataclass(frozen=True)
class EmulatorKeys:
    """Private keys stay here; only public halves leave the emulators."""

    realtimekit: rsa.RSAPrivateKey
    google: rsa.RSAPrivateKey
    google_kid: str = "sessiongraph-emulator-1"

    @property
    def realtimekit_public_pem(self) -> str:
        return (
            self.realtimekit.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def jwks(self) -> dict[str, Any]:
        """The Google-style key set (`{"keys": [...]}`) that verifies `push_token`."""
        jwk = json.loads(RSAAlgorithm.to_jwk(self.google.public_key()))
        jwk.update({"kid": self.google_kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def push_token(
        self,
        *,
        audience: str = DEMO_PUSH.audience,
        email: str = DEMO_PUSH.service_account,
        issuer: str = DEMO_PUSH.issuer,
        lifetime_s: float = 3600,
        now: float | None = None,
        email_verified: bool = True,
    ) -> str:
        """An OIDC ID token as Pub/Sub push attaches it (claims as Google's documented example)."""
        issued = int(now if now is not None else time.time())
        claims = {
            "aud": audience,
            "azp": "100000000000000000001",
            "email": email,
            "email_verified": email_verified,
            "iat": issued,
            "exp": issued + int(lifetime_s),
            "iss": issuer,
            "sub": "100000000000000000001",
        }
        return jwt.encode(claims, self.google, algorithm="RS256", headers={"kid": self.google_kid})


@functools.cache
def emulator_keys() -> EmulatorKeys:
    """This process's emulator keys."""
    return EmulatorKeys(
        realtimekit=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        google=rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )
