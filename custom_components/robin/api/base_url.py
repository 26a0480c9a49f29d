"""Robin's API address in the one form that tells two addresses apart."""

from urllib.parse import urlsplit, urlunsplit


def normalize_base_url(url: str) -> str:
    """Return the address without spaces or a trailing slash, scheme and host in lower case.

    Scheme and host name the same server in any case (RFC 3986, 6.2.2.1); a path may not,
    so its case is kept, and so is that of a user name and password before the host.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        # Not an address (an unclosed "[", say): left as typed, the connection check says so.
        return url.rstrip("/")
    userinfo, at, host = parts.netloc.rpartition("@")
    return urlunsplit(
        (
            parts.scheme.lower(),
            f"{userinfo}{at}{host.lower()}",
            parts.path.rstrip("/"),
            parts.query,
            parts.fragment,
        )
    )
