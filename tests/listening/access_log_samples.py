"""S3 server access log lines in the documented format (bucket owner, bucket, [time],
remote IP, requester, request ID, operation, key, "request URI", status, error code, bytes
sent, object size, total time, turn-around time, "referrer", "user agent", version ID,
host ID, signature version, cipher suite, authentication type, host header, TLS version,
access point ARN, ACL required)."""

from __future__ import annotations

OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
PHONE = "AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; en_us)"


def log_line(
    key: str,
    *,
    bucket: str = "podcast-media",
    when: str = "20/Nov/2026:10:00:01 +0000",
    address: str = "203.0.113.7",
    operation: str = "REST.GET.OBJECT",
    status: int = 200,
    sent: int | None = 67,
    agent: str = PHONE,
    request_id: str = "3E57427F3EXAMPLE",
) -> str:
    return (
        f"{OWNER} {bucket} [{when}] {address} - {request_id} {operation} {key} "
        f'"GET /{key} HTTP/1.1" {status} - {sent if sent else "-"} 67 7 6 "-" "{agent}" - '
        "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 "
        f"ECDHE-RSA-AES128-GCM-SHA256 - {bucket}.s3.us-west-1.amazonaws.com TLSv1.2 - -"
    )
