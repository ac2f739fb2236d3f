#!/usr/bin/env python3
"""relgate demo service: a tiny HTTP API with Prometheus metrics and a chaos switch.

GET  /metrics  Prometheus text format 0.0.4: http_requests_total{method,path,status_code},
               http_request_duration_seconds (histogram, by method and path),
               demo_uptime_seconds, demo_mode{mode}
POST /chaos    {"mode":"slow","duration":2}   every request takes `duration` seconds
               {"mode":"error","rate":0.5}    that share of requests answers 500
               {"mode":"recover"}             back to normal
               optional "for": seconds after which the service recovers by itself
GET  /version  which release runs: {"digest": "sha256:..."|null, "release": "rel-..."|null, "synced_at": ...}
GET  /anything else: a small JSON answer (5-30 ms in normal mode)

With --gitops-repo REPO --gitops-app APP --gitops-env ENV the service plays its own Argo CD: every
--sync-interval seconds it reads relgate/APP/ENV/state.json (relgate's per-application layout)
from the branch of that git repository (a bare remote
is fine; git is spawned with an argument list, never a shell) and "deploys" the stable release it
names (the canary when --track canary) after --deploy-delay seconds; /version reports it.
--faulty-digest D makes release D a bad one: while it runs, half of the requests answer 500.

Python standard library only; one thread per connection. Binds loopback by default.
"""
import argparse
import json
import random
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]


class State:
    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()
        self.started = time.time()
        self.requests = {}  # (method, path, status) -> count
        self.histograms = {}  # (method, path) -> [bucket counts..., sum, count]
        self.mode = "normal"
        self.delay = 0.0
        self.error_rate = 0.0
        self.until = None
        self.digest = None  # what "runs": set by the GitOps sync
        self.release = None
        self.synced_at = None
        self.faulty_digest = None

    def version(self):
        with self.lock:
            return {"service": self.name, "digest": self.digest, "release": self.release,
                    "synced_at": self.synced_at}

    def current_mode(self):
        with self.lock:
            if self.until is not None and time.time() >= self.until:
                self.mode, self.delay, self.error_rate, self.until = "normal", 0.0, 0.0, None
            if self.mode == "normal" and self.faulty_digest and self.digest == self.faulty_digest:
                return "error", 0.0, 0.5
            return self.mode, self.delay, self.error_rate

    def observe(self, method, path, status, seconds):
        with self.lock:
            key = (method, path, str(status))
            self.requests[key] = self.requests.get(key, 0) + 1
            hist = self.histograms.setdefault((method, path), [0] * len(BUCKETS) + [0.0, 0])
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    hist[i] += 1
            hist[-2] += seconds
            hist[-1] += 1

    def exposition(self):
        def esc(value):
            return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

        lines = []
        with self.lock:
            lines.append("# HELP http_requests_total Requests served, by method, path and status code.")
            lines.append("# TYPE http_requests_total counter")
            for (method, path, status), count in sorted(self.requests.items()):
                lines.append('http_requests_total{method="%s",path="%s",status_code="%s"} %d'
                             % (esc(method), esc(path), status, count))
            lines.append("# HELP http_request_duration_seconds Request latency.")
            lines.append("# TYPE http_request_duration_seconds histogram")
            for (method, path), hist in sorted(self.histograms.items()):
                labels = 'method="%s",path="%s"' % (esc(method), esc(path))
                for i, bound in enumerate(BUCKETS):
                    lines.append('http_request_duration_seconds_bucket{%s,le="%s"} %d' % (labels, repr(bound), hist[i]))
                lines.append('http_request_duration_seconds_bucket{%s,le="+Inf"} %d' % (labels, hist[-1]))
                lines.append("http_request_duration_seconds_sum{%s} %s" % (labels, repr(hist[-2])))
                lines.append("http_request_duration_seconds_count{%s} %d" % (labels, hist[-1]))
            lines.append("# HELP demo_uptime_seconds Seconds since the service started.")
            lines.append("# TYPE demo_uptime_seconds gauge")
            lines.append("demo_uptime_seconds %.3f" % (time.time() - self.started))
            lines.append("# HELP demo_mode The chaos mode in force (1 for the current one).")
            lines.append("# TYPE demo_mode gauge")
            for mode in ("normal", "slow", "error"):
                lines.append('demo_mode{mode="%s",instance_name="%s"} %d' % (mode, esc(self.name), 1 if mode == self.mode else 0))
        return "\n".join(lines) + "\n"


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet: tests read their own output
            pass

        def send(self, status, body, content_type="application/json"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self.send(200, state.exposition(), "text/plain; version=0.0.4; charset=utf-8")
                return
            if path == "/healthz":
                self.send(200, '{"ok":true}')
                return
            if path == "/version":
                self.send(200, json.dumps(state.version()))
                return
            started = time.perf_counter()
            mode, delay, error_rate = state.current_mode()
            time.sleep(delay if mode == "slow" else random.uniform(0.005, 0.03))
            status = 500 if mode == "error" and random.random() < error_rate else 200
            body = json.dumps({"service": state.name, "path": path, "mode": mode})
            self.send(status, body)
            state.observe("GET", path if path in ("/", "/api", "/api/items") else "/other", status,
                          time.perf_counter() - started)

        def do_POST(self):
            path = self.path.split("?", 1)[0]
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            if path != "/chaos":
                self.send(404, '{"error":"not found"}')
                return
            try:
                request = json.loads(raw or b"{}")
                mode = request["mode"]
                if mode not in ("slow", "error", "recover"):
                    raise ValueError("mode must be slow, error or recover")
                with state.lock:
                    if mode == "recover":
                        state.mode, state.delay, state.error_rate, state.until = "normal", 0.0, 0.0, None
                    else:
                        state.mode = mode
                        state.delay = float(request.get("duration", 1.0)) if mode == "slow" else 0.0
                        state.error_rate = float(request.get("rate", 1.0)) if mode == "error" else 0.0
                        if not 0.0 <= state.error_rate <= 1.0:
                            raise ValueError("rate must be between 0 and 1")
                        seconds = request.get("for")
                        state.until = time.time() + float(seconds) if seconds else None
                    answer = {"mode": state.mode, "delay": state.delay, "rate": state.error_rate}
                self.send(200, json.dumps(answer))
            except (ValueError, KeyError, TypeError) as error:
                self.send(400, json.dumps({"error": "bad chaos request: %s" % error}))

    return Handler


SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
# An application or environment name, relgate's rule: one path component, never an option.
PLAIN_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def desired_release(repo, branch, app, env, track):
    """The release relgate's state file of APP in ENV pins for this track, or (None, None)."""
    blob = "%s:relgate/%s/%s/state.json" % (branch, app, env)
    out = subprocess.run(["git", "--git-dir", repo, "cat-file", "blob", blob],
                         capture_output=True, timeout=10, check=False)
    if out.returncode != 0:
        return None, None
    ref = json.loads(out.stdout).get(track)
    if not isinstance(ref, dict) or not DIGEST.match(str(ref.get("digest", ""))):
        return None, None
    return ref["digest"], ref.get("release")


def sync_loop(state, repo, branch, app, env, track, interval, delay):
    while True:
        try:
            digest, release = desired_release(repo, branch, app, env, track)
            with state.lock:
                current = state.digest
            if digest is not None and digest != current:
                time.sleep(delay)  # the rollout itself
                with state.lock:
                    state.digest, state.release = digest, release
                    state.synced_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        except (OSError, ValueError, subprocess.SubprocessError):
            pass  # the next round retries; /version keeps reporting what runs
        time.sleep(interval)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--name", default="demo")
    parser.add_argument("--gitops-repo", help="git repository (bare is fine) to sync the running release from")
    parser.add_argument("--gitops-app", help="the application whose relgate/<app>/<env>/ folder to follow "
                        "(needed with --gitops-repo)")
    parser.add_argument("--gitops-env", default="prod")
    parser.add_argument("--gitops-branch", default="main")
    parser.add_argument("--track", choices=("stable", "canary"), default="stable")
    parser.add_argument("--sync-interval", type=float, default=0.5)
    parser.add_argument("--deploy-delay", type=float, default=0.0)
    parser.add_argument("--faulty-digest", help="a release that fails half of its requests while it runs")
    args = parser.parse_args()
    state = State(args.name)
    state.faulty_digest = args.faulty_digest
    if args.gitops_repo:
        if args.gitops_app is None:
            parser.error("--gitops-repo needs --gitops-app NAME (relgate keeps relgate/<app>/<env>/)")
        for flag, value in (("--gitops-app", args.gitops_app), ("--gitops-env", args.gitops_env)):
            if not PLAIN_NAME.match(value) or value in ("templates", "releases.json"):
                parser.error("%s: an application or environment name (lowercase letters, digits, . _ -), got %r"
                             % (flag, value))
        if not SAFE_NAME.match(args.gitops_branch) or ".." in args.gitops_branch:
            parser.error("--gitops-branch: a plain branch name, got %r" % args.gitops_branch)
        threading.Thread(target=sync_loop, daemon=True,
                         args=(state, args.gitops_repo, args.gitops_branch, args.gitops_app, args.gitops_env,
                               args.track, args.sync_interval, args.deploy_delay)).start()
    server = ThreadingHTTPServer((args.host, args.port), make_handler(state))
    server.daemon_threads = True
    print("demo-service %s listening on http://%s:%d" % (args.name, args.host, args.port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
