"""Replies by mail: the reply address each recipient is given, and what makes a
message one the service may take.

A reply address is ``{local}+{requestId}.{mac}@{domain}`` on the service's reply
address, where ``mac`` is a truncated HMAC-SHA256 of the request id and the
recipient's address: only the person it was made for can use it, and only for
that request; nobody can make one without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from email.message import Message
from email.utils import getaddresses

MAC_LENGTH = 16  # base32 characters: 80 bits
AUTOMATIC_PRECEDENCE = frozenset({"bulk", "junk", "list"})


def _mac(key: bytes, request_id: str, recipient: str) -> str:
    digest = hmac.new(key, f"{request_id}\n{recipient.strip().lower()}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:MAC_LENGTH]


def reply_address(base: str, request_id: str, recipient: str, key: bytes) -> str:
    local, _, domain = base.rpartition("@")
    return f"{local}+{request_id}.{_mac(key, request_id, recipient)}@{domain}"


def request_of_reply_address(address: str, base: str, sender: str, key: bytes) -> str | None:
    """The request a reply address was made for, when it was made for ``sender``; else None."""
    local, _, domain = address.strip().lower().rpartition("@")
    base_local, _, base_domain = base.lower().rpartition("@")
    if domain != base_domain or not local.startswith(base_local + "+"):
        return None
    token = address.strip().rpartition("@")[0][len(base_local) + 1:]
    request_id, _, mac = token.rpartition(".")
    if not request_id or len(mac) != MAC_LENGTH:
        return None
    request_id = request_id.upper()
    return request_id if hmac.compare_digest(mac.lower(), _mac(key, request_id, sender)) else None


def is_automatic(message: Message, own_senders: frozenset[str]) -> bool:
    """An out-of-office reply, a bounce, a list's mail or the service's own: never a person's answer
    (RFC 3834 ``Auto-Submitted``; Exchange's ``X-Auto-Response-Suppress``; ``Precedence``; a DSN)."""
    if (message.get("Auto-Submitted") or "no").strip().lower() != "no":
        return True
    if message.get("X-Auto-Response-Suppress") is not None:
        return True
    if (message.get("Precedence") or "").strip().lower() in AUTOMATIC_PRECEDENCE:
        return True
    if message.get_content_type() == "multipart/report" or (message.get("Return-Path") or "").strip() == "<>":
        return True
    return sender_of(message) in own_senders


def sender_of(message: Message) -> str:
    """The one address in From, lower case; "" when there is not exactly one."""
    found = [address for _, address in getaddresses(message.get_all("From", [])) if "@" in address]
    return found[0].strip().lower() if len(found) == 1 else ""


def reply_addresses_in(message: Message) -> list[str]:
    return [address for _, address in getaddresses(message.get_all("To", []) + message.get_all("Cc", [])) if address]
