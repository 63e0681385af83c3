"""Ways to hand a third-party link to a store manager: a QR code to scan from the
assessor's phone and a LINE share link (how store managers in Taiwan talk)."""

from urllib.parse import quote

from django.utils.translation import gettext as _


def link_share_context(link: str, *, trainee_name: str) -> dict[str, str]:
    """The QR code (an SVG data URI) and the LINE share URL of a one-off report link."""
    import segno

    message = _("Please fill in a short workplace report on %(name)s: %(link)s") % {
        "name": trainee_name,
        "link": link,
    }
    return {
        "link_qr": segno.make(link, error="m").svg_data_uri(border=2, dark="#000"),
        "line_share_url": "https://line.me/R/share?text=" + quote(message, safe=""),
    }
