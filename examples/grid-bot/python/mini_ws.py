"""A minimal WebSocket client (RFC 6455) on the standard library only: text frames, ping/pong,
close. Enough to speak the reference protocol (docs/protocol.md) from a bot that may not install
third-party packages. Not a general client: no TLS (wss://), no extensions, no binary frames."""
import base64
import os
import socket
import struct
import threading
from urllib.parse import urlsplit


class Closed(Exception):
    """The connection is gone (closed by the peer, or cut)."""


class WebSocket:
    def __init__(self, url, timeout=5.0):
        parts = urlsplit(url)
        if parts.scheme != "ws":
            raise ValueError(f"only ws:// URLs are supported, not {url}")
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1024)
            if not chunk:
                raise Closed("the server closed the connection during the handshake")
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            self.sock.close()
            raise Closed(f"handshake refused: {status.decode(errors='replace')}")
        self.sock.settimeout(None)
        self.lock = threading.Lock()  # a reader thread answers pings while another sends

    def send(self, text):
        self._frame(0x1, text.encode())

    def recv(self):
        """The next text message; raises Closed when the connection ends."""
        parts = []
        while True:
            first, second = self._read(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._read(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._read(8))
            mask = self._read(4) if second & 0x80 else None
            payload = self._read(length)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise Closed("closed by the server")
            if opcode == 0x9:
                self._frame(0xA, payload)
            elif opcode in (0x0, 0x1, 0x2):
                parts.append(payload)
                if first & 0x80:
                    return b"".join(parts).decode()

    def close(self):
        try:
            self._frame(0x8, b"")
        except OSError:
            pass
        self.sock.close()

    def _frame(self, opcode, payload):
        n = len(payload)
        header = bytes([0x80 | opcode])
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        with self.lock:
            self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, n):
        while len(self.buffer) < n:
            try:
                chunk = self.sock.recv(65536)
            except OSError as error:
                raise Closed(str(error)) from error
            if not chunk:
                raise Closed("the connection was cut")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data
