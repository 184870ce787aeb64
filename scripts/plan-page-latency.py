#!/usr/bin/env python3
"""The plan page's latency: starts `goldthread serve --demo` on a fresh
SQLite database (or DATABASE as the 4th argument), signs in as Priya and
times N sequential GETs of Leo's plan page over one keep-alive connection.

    scripts/plan-page-latency.py target/release/goldthread 18080 500
"""
import re, statistics, subprocess, sys, tempfile, time, os, requests
binary, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = sys.argv[4] if len(sys.argv) > 4 else None
tmp = tempfile.mkdtemp()
url = db or f"sqlite://{tmp}/goldthread.db"
env = dict(os.environ, DATABASE_URL=url, RUST_LOG="warn", GOLDTHREAD_AUDIT_KEY_FILE=f"{tmp}/audit.key")
server = subprocess.Popen([binary, "serve", "--demo", "--addr", f"127.0.0.1:{port}"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
base = f"http://127.0.0.1:{port}"
try:
    for _ in range(200):
        try:
            requests.get(base + "/healthz", timeout=1); break
        except Exception:
            time.sleep(0.5)
    s = requests.Session()
    page = s.get(base + "/sign-in").text
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    r = s.post(base + "/sign-in", data={"_csrf": csrf, "email": "priya.shah@example.org", "password": "goldthread-demo"}, allow_redirects=False)
    assert r.status_code == 303, r.status_code
    plans = s.get(base + "/plans").text
    plan = re.search(r'href="/plans/([0-9a-f-]{36})"', plans).group(1)
    for _ in range(20):
        s.get(f"{base}/plans/{plan}")
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = s.get(f"{base}/plans/{plan}")
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    times.sort()
    print(f"n={n} median={statistics.median(times):.2f}ms mean={statistics.mean(times):.2f}ms p95={times[int(n*0.95)]:.2f}ms")
finally:
    server.terminate(); server.wait()
