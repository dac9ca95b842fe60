"""A TCP + UDP listener on one loopback port, in its own (unguarded) process:
the test process may already carry pyrec's network guard (cli.main installs
it, and tests call main in-process), so it could not listen itself.

Prints the port, counts what arrives until stdin closes, then prints
{"connections": n, "bytes": n} and exits."""

from __future__ import annotations

import json
import select
import socket
import sys

if __name__ == "__main__":
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(16)
    port = tcp.getsockname()[1]
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    print(port, flush=True)
    connections = received = 0
    while True:
        ready, _, _ = select.select([tcp, udp, sys.stdin], [], [])
        if tcp in ready:
            conn, _ = tcp.accept()
            connections += 1
            conn.settimeout(0.5)
            try:
                received += len(conn.recv(65536))
            except OSError:
                pass
            conn.close()
        if udp in ready:
            received += len(udp.recv(65536))
        if sys.stdin in ready and not sys.stdin.readline():
            break
    print(json.dumps({"connections": connections, "bytes": received}), flush=True)
