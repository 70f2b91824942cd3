"""Subscription keys shaped as a browser makes them (base64url, unpadded): a P-256 public
key, uncompressed (65 bytes, 0x04 first), and the 16-byte authentication secret."""

import base64


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


P256DH = b64url(b"\x04" + bytes(range(1, 65)))
OTHER_P256DH = b64url(b"\x04" + bytes(range(65, 129)))
AUTH = b64url(bytes(range(16)))
