#!/usr/bin/env python3
"""Two Sésame replicas on one PostgreSQL behind haproxy: the scenario (standard library only).

Started by scripts/replicas.sh, which passes the two replicas' URLs, the balancer's URL, the
second replica's pid (killed here with SIGKILL under load) and haproxy's stats socket:

    replicas_scenario.py URL_A URL_B URL_LB PID_B STATS_SOCKET CHECK_INTER_MS CHECK_FALL

Each step addresses a replica directly where the point is "on one, then on the other", and the
balancer for the load. Every loop is bounded in count and time. Prints one line per check and
ends with `replicas: N passed, M failed`; exits non-zero on any failed check.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse

A, B, LB = sys.argv[1], sys.argv[2], sys.argv[3]
PID_B = int(sys.argv[4])
STATS_SOCKET = sys.argv[5]
INTER_MS, FALL = int(sys.argv[6]), int(sys.argv[7])

UAI = "0451442Y"  # the demo's public collège, more students than the job threshold (300)
PASSWORD = "educonnect-demo"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
LOAD_CLIENTS = 4
LOAD_SECS = 8.0
KILL_AFTER_SECS = 3.0

passed, failed = 0, 0
summary = []


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    line = f"  [{'ok' if ok else 'FAIL'}] {name}" + (f" — {detail}" if detail else "")
    print(line, flush=True)
    return ok


def request(base, method, path, body=None, token=None, headers=None, timeout=30):
    """One request on a fresh connection: (status, headers dict, body bytes)."""
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    h = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    if token:
        h["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, data, h)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def js(b):
    try:
        return json.loads(b)
    except ValueError:
        return {}


def totp(at=None):
    key = base64.b32decode(TOTP_SECRET)
    counter = int(at if at is not None else time.time()) // 30
    h = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    o = h[-1] & 15
    return "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


def haproxy_servers():
    """{server name: (status, total sessions)} of the `sesame` backend, from the stats socket."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(STATS_SOCKET)
    s.sendall(b"show stat\n")
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    lines = out.decode().splitlines()
    head = lines[0].lstrip("# ").split(",")
    res = {}
    for line in lines[1:]:
        row = dict(zip(head, line.split(",")))
        if row.get("pxname") == "sesame" and row.get("svname") not in ("FRONTEND", "BACKEND"):
            res[row["svname"]] = (row.get("status", ""), int(row.get("stot") or 0))
    return res


# 1. TOTP login on A, refresh on B, the new access token on A, the rotated token refused on A.
print("1. session across replicas", flush=True)
st, _, b = request(A, "POST", "/api/v1/auth/login",
                   {"username": "principal", "password": PASSWORD, "totp_code": totp()})
login = js(b)
check("TOTP login of principal on A", st == 200 and "refresh_token" in login, f"HTTP {st}")
st, _, b = request(B, "POST", "/api/v1/auth/refresh", {"refresh_token": login.get("refresh_token")})
pair = js(b)
check("refresh on B with A's refresh token", st == 200 and "access_token" in pair, f"HTTP {st}")
token = pair.get("access_token") or login.get("access_token")
st, _, b = request(A, "GET", "/api/v1/me", token=pair.get("access_token"))
check("B's new access token works on A", st == 200 and js(b).get("username") == "principal",
      f"HTTP {st}")
# Within the reuse grace (30 s) a used token is answered with its successor, never a second
# branch: the successor is sealed in the database with the shared key, so A can open what B made.
st, _, b = request(A, "POST", "/api/v1/auth/refresh", {"refresh_token": login.get("refresh_token")})
check("the used refresh token repeated on A (within the grace) gets B's successor again",
      st == 200 and js(b).get("refresh_token") == pair.get("refresh_token"), f"HTTP {st}")
st, _, b = request(A, "POST", "/api/v1/auth/refresh", {"refresh_token": pair.get("refresh_token")})
check("B's refresh token rotates on A", st == 200 and "access_token" in js(b), f"HTTP {st}")
token = js(b).get("access_token") or token
summary.append("session: TOTP login on A, refresh on B, B's access token used on A, "
               "grace repeat on A answered with B's successor, which rotates on A")

# 2. A bulk job started on A, followed on B, its document fetched on B.
print("2. bulk job across replicas", flush=True)
job_start = time.monotonic()
st, _, b = request(A, "POST", f"/api/v1/establishments/{UAI}/students/reset-password",
                   {"all_matching": {}}, token=token)
job_id = js(b).get("job_id")
check(f"bulk reset-password of {UAI} students on A answers 202 with a job",
      st == 202 and bool(job_id), f"HTTP {st}")
job, polls = {}, 0
deadline = time.monotonic() + 60
while job_id and time.monotonic() < deadline and polls < 600:
    polls += 1
    st, _, b = request(B, "GET", f"/api/v1/jobs/{job_id}", token=token)
    job = js(b)
    if st != 200 or job.get("state") in ("done", "failed"):
        break
    time.sleep(0.1)
results = (job.get("result") or {}).get("results") or []
document_id = (job.get("result") or {}).get("document_id")
job_secs = time.monotonic() - job_start
check("job polled on B until done", job.get("state") == "done" and len(results) > 300,
      f"state {job.get('state')}, {len(results)} accounts, {polls} polls, {job_secs:.1f} s")
st, h, b = request(B, "GET", f"/api/v1/documents/{document_id}", token=token)
ctype = h.get("content-type", "")
check("job's document fetched on B", st == 200 and len(b) > 0 and
      ("pdf" in ctype or "csv" in ctype), f"HTTP {st}, {ctype}, {len(b)} bytes")
summary.append(f"job: {len(results)} accounts reset on A, {polls} polls on B, "
               f"document {len(b)} bytes ({ctype.split(';')[0]}) from B, {job_secs:.1f} s")

# 3. The throttle is shared: wrong passwords for one staff user alternating A and B. A
# forwarded address of its own (the replicas trust 127.0.0.1) keeps the address budget apart.
print("3. shared login throttle", flush=True)
statuses = []
for i in range(7):
    base = A if i % 2 == 0 else B
    st, h, _ = request(base, "POST", "/api/v1/auth/login",
                       {"username": "agent", "password": f"wrong-{i}", "totp_code": "000000"},
                       headers={"X-Forwarded-For": "198.51.100.7"})
    statuses.append((("A" if base == A else "B"), st, h.get("retry-after")))
check("attempts 1-5 (A,B,A,B,A) are 401", [s for _, s, _ in statuses[:5]] == [401] * 5,
      " ".join(f"{r}:{s}" for r, s, _ in statuses[:5]))
check("6th attempt (on B) is 429 with Retry-After",
      statuses[5][1] == 429 and statuses[5][2] is not None, f"{statuses[5]}")
check("7th attempt (on A) is 429 too", statuses[6][1] == 429, f"{statuses[6]}")
summary.append("throttle: " + " ".join(f"{r}:{s}" for r, s, _ in statuses))

# 4. Load through haproxy, replica B killed with SIGKILL in the middle. The bound: a request
# already sent to B when it dies has no answer (haproxy answers 502 or drops the client
# connection), so at most one per client can fail. After the kill the kernel refuses
# connections to B's port at once: haproxy retries them (`retries 2`) on A (`option
# redispatch 1`), and B's health check fails twice within inter x fall (1 s) and takes it out
# of the rotation. So every failure ends within inter x fall + 1 s of the kill (the second
# for a request still being answered by B when it died).
print(f"4. {LOAD_CLIENTS} clients x {LOAD_SECS:.0f} s through haproxy, SIGKILL on B at "
      f"{KILL_AFTER_SECS:.0f} s", flush=True)
before = haproxy_servers()
u = urllib.parse.urlsplit(LB)
records = []  # (start, end, ok, what)
lock = threading.Lock()
t0 = time.monotonic()
stop_at = t0 + LOAD_SECS
queries = ["", "?q=ma", "?q=le&per_page=20", "?state=not_notified", "?page=2&per_page=20"]


def client(n):
    conn, i = None, 0
    while time.monotonic() < stop_at and i < 100000:
        i += 1
        path = f"/api/v1/establishments/{UAI}/students" + queries[(n + i) % len(queries)]
        start = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            r = conn.getresponse()
            r.read()
            ok, what = r.status == 200, f"HTTP {r.status}"
            if r.getheader("connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as e:
            ok, what = False, type(e).__name__
            if conn is not None:
                conn.close()
            conn = None
        with lock:
            records.append((start - t0, time.monotonic() - t0, ok, what))
    if conn is not None:
        conn.close()


threads = [threading.Thread(target=client, args=(n,)) for n in range(LOAD_CLIENTS)]
for t in threads:
    t.start()
time.sleep(KILL_AFTER_SECS)
kill_at = time.monotonic() - t0
os.kill(PID_B, signal.SIGKILL)
for t in threads:
    t.join(timeout=LOAD_SECS + 30)
after = haproxy_servers()

bound = INTER_MS * FALL / 1000 + 1.0
fails = [r for r in records if not r[2]]
late = [r for r in fails if not (kill_at - 0.05 <= r[1] <= kill_at + bound)]
after_kill = [r for r in records if r[0] > kill_at + bound]
before_kill = [r for r in records if r[1] < kill_at]
check("both replicas served load before the kill",
      before.get("b", ("", 0))[1] >= 0 and all(r[2] for r in before_kill) and
      after.get("a", ("", 0))[1] > 0 and after.get("b", ("", 0))[1] > before.get("b", ("", 0))[1],
      f"haproxy sessions a {before.get('a')} -> {after.get('a')}, b {before.get('b')} -> "
      f"{after.get('b')}; {len(before_kill)} requests before the kill, all 200: "
      f"{all(r[2] for r in before_kill)}")
check(f"failures at most the {LOAD_CLIENTS} requests that can be in flight",
      len(fails) <= LOAD_CLIENTS,
      f"{len(fails)} failed of {len(records)}: {sorted(set(r[3] for r in fails))}")
window = (f"{min(r[1] for r in fails) - kill_at:+.3f} s .. {max(r[1] for r in fails) - kill_at:+.3f} s"
          if fails else "none")
check(f"every failure ends within {bound:.1f} s of the kill (inter {INTER_MS} ms x fall {FALL} + 1 s)",
      not late, f"failures end at {window} from the kill; outside: {len(late)}")
check("A keeps serving after the kill",
      len(after_kill) > 0 and all(r[2] for r in after_kill),
      f"{len(after_kill)} requests after kill + {bound:.1f} s, "
      f"{sum(1 for r in after_kill if r[2])} OK")
check("haproxy marks B down, A up",
      after.get("b", ("",))[0].startswith("DOWN") and after.get("a", ("",))[0].startswith("UP"),
      f"a {after.get('a', ('?',))[0]}, b {after.get('b', ('?',))[0]}")
try:
    st, _, _ = request(A, "GET", "/readyz", timeout=5)
except OSError as e:
    st = type(e).__name__
check("A answers /readyz directly after the load", st == 200, f"{st}")
rate = len(records) / LOAD_SECS
summary.append(
    f"kill: {len(records)} requests ({rate:.0f}/s) by {LOAD_CLIENTS} clients through haproxy in "
    f"{LOAD_SECS:.0f} s, B SIGKILLed at {kill_at:.2f} s; {len(fails)} failed "
    f"({', '.join(sorted(set(r[3] for r in fails))) or 'none'}), ending {window} from the kill "
    f"(bound {bound:.1f} s); {len(after_kill)} requests after the window, all OK: "
    f"{all(r[2] for r in after_kill)}; haproxy: b {after.get('b', ('?',))[0]}")

print("summary:")
for s in summary:
    print("  " + s)
t0_env = os.environ.get("SESAME_REPLICAS_T0")
if t0_env:
    print(f"  run time: {time.time() - float(t0_env):.0f} s from replica A's start")
print(f"replicas: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
