"""Subscription keys shaped as a browser makes them (base64url, unpadded): a P-256 public
key, uncompressed (65 bytes, 0x04 first), and the 16-byte authentication secret. The keys
are real points on the curve (fixed private numbers), so a message can be encrypted to them."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _public_key(private_value: int) -> str:
    key = ec.derive_private_key(private_value, ec.SECP256R1()).public_key()
    return b64url(
        key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


P256DH = _public_key(0x5EC12E7)
OTHER_P256DH = _public_key(0x0DD5EC)
AUTH = b64url(bytes(range(16)))
