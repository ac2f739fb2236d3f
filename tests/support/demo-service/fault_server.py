#!/usr/bin/env python3
"""A misbehaving HTTP server for slo-check's fault tests (Python standard library only).

--mode hang        accepts connections and never answers
--mode html500     HTTP 500 with an HTML error page (a proxy in front of Prometheus)
--mode html200     HTTP 200 with an HTML page (a UI instead of the API)
--mode garbage     HTTP 200, Content-Type application/json, a body that is not JSON
--mode bad_data    HTTP 400 {"status":"error","errorType":"bad_data",...} as Prometheus sends
--mode canned      answers every request with --body FILE (status --status, default 200)
--bearer TOKEN     (any answering mode) 401 "Unauthorized" unless "Authorization: Bearer TOKEN"
"""
import argparse
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve_hang(host, port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(64)
    print("fault-server hang on %s:%d" % (host, port), flush=True)
    held = []
    while True:
        connection, _ = listener.accept()
        held.append(connection)  # keep it open, say nothing


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", required=True, choices=["hang", "html500", "html200", "garbage", "bad_data", "canned"])
    parser.add_argument("--body")
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--bearer")
    args = parser.parse_args()
    if args.mode == "hang":
        serve_hang(args.host, args.port)
        return
    html = "<html><head><title>502 Bad Gateway</title></head><body><h1>Internal Server Error</h1></body></html>"
    answers = {
        "html500": (500, "text/html", html),
        "html200": (200, "text/html", "<!DOCTYPE html><html><body>Prometheus Time Series Collection</body></html>"),
        "garbage": (200, "application/json", '{"status":"success","data":{"resultType":"vector","result":[{'),
        "bad_data": (400, "application/json",
                     '{"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": 1:17: parse error: unexpected \\")\\""}'),
    }
    if args.mode == "canned":
        with open(args.body) as handle:
            answers["canned"] = (args.status, "application/json", handle.read())
    status, content_type, body = answers[args.mode]
    hits = {"count": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            with lock:
                hits["count"] += 1
            if args.bearer and self.headers.get("Authorization") != "Bearer " + args.bearer:
                data, code, ctype = b"Unauthorized", 401, "text/plain"
            elif self.path.startswith("/hits"):
                data = str(hits["count"]).encode()
                code, ctype = 200, "text/plain"
            else:
                data, code, ctype = body.encode(), status, content_type
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_POST = do_GET

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print("fault-server %s on %s:%d" % (args.mode, args.host, args.port), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
