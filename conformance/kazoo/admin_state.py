"""State for the AdminServer conformance test: two sessions, one ephemeral,
data/exist watches on two paths and a child watch. Prints {"ready": ...},
then holds the sessions open until stdin closes or a bounded time passes
(the test stops this process by its pid)."""
import sys
import time

from zkconf import BASE, client, close, emit, hexid

HOLD_SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 120.0

a = client()
b = client()
try:
    a.ensure_path(BASE + "/a")
    a.ensure_path(BASE + "/b")
    a.create(BASE + "/a/e", b"x", ephemeral=True)
    a.get(BASE + "/a", watch=lambda e: None)
    a.exists(BASE + "/b", watch=lambda e: None)
    a.get_children(BASE + "/a", watch=lambda e: None)
    b.get(BASE + "/a", watch=lambda e: None)
    emit({"ready": True, "sessionA": hexid(a.client_id[0]), "sessionB": hexid(b.client_id[0])})
    deadline = time.time() + HOLD_SECONDS
    while time.time() < deadline:
        time.sleep(0.5)
finally:
    close(b)
    close(a)
