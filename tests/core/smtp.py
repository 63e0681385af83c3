"""A real, tiny SMTP server on 127.0.0.1 for tests (just enough of RFC 5321 for Django's
SMTP backend), one that turns every client away, and a port on which nothing listens."""

import email
import email.policy
import socket
import socketserver
import threading
from dataclasses import dataclass, field


def closed_port() -> int:
    """A free local port with nothing listening on it: connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()


@dataclass
class SMTPServer:
    host: str
    port: int
    refuse: bool = False  # answer "554" to every connection (a server out of service)
    received: list[Received] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    timeout = 10

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        mail_from, recipients = "", []
        if self.server.smtp.refuse:
            self._reply("554 localhost no SMTP service here")
            return
        self._reply("220 localhost test SMTP")
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self._reply("250-localhost")
                self._reply("250-8BITMIME")
                self._reply("250 SMTPUTF8")
            elif verb == "HELO":
                self._reply("250 localhost")
            elif verb == "MAIL":
                mail_from, recipients = command.split(":", 1)[1].split()[0].strip("<>"), []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].split()[0].strip("<>"))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.smtp.received.append(Received(mail_from, recipients, b"".join(lines)))
                mail_from, recipients = "", []
                self._reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                mail_from, recipients = ("", []) if verb == "RSET" else (mail_from, recipients)
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class running_smtp_server:
    """Context manager: an SMTP server on a free 127.0.0.1 port, in a thread."""

    def __init__(self, *, refuse: bool = False):
        self.refuse = refuse

    def __enter__(self) -> SMTPServer:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        host, port = self._server.server_address
        self._server.smtp = SMTPServer(host=host, port=port, refuse=self.refuse)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self._server.smtp

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
