#!/usr/bin/env bash
# The HTTP client against a real nginx on loopback: plain and TLS (private CA), retries, auth,
# plus a closed port and a silent server for timeouts. Runs the live doctest cases of unit_common.
source "$(dirname "$0")/../cli/lib.sh"
command -v nginx >/dev/null || skip "nginx not installed (scripts/bootstrap.sh installs it)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http_port=$(free_port); tls_port=$(free_port); closed_port=$(free_port); silent_port=$(free_port)

# A private CA and a server certificate for 127.0.0.1.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=relgate test CA" \
  -keyout "$TMP/ca.key" -out "$TMP/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$TMP/server.key" -out "$TMP/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$TMP/san.ext"
openssl x509 -req -in "$TMP/server.csr" -CA "$TMP/ca.pem" -CAkey "$TMP/ca.key" -CAcreateserial -days 2 \
  -extfile "$TMP/san.ext" -out "$TMP/server.pem" 2>/dev/null

printf 'relgate:%s\n' "$(openssl passwd -apr1 's3cret:pw')" > "$TMP/htpasswd"
printf 'basic ok\n' > "$TMP/basic.txt"
chmod 644 "$TMP/htpasswd" "$TMP/basic.txt"

cat > "$TMP/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/error.log;
events {}
http {
  access_log $TMP/access.log;
  client_body_temp_path $TMP/body; proxy_temp_path $TMP/proxy; fastcgi_temp_path $TMP/fastcgi;
  uwsgi_temp_path $TMP/uwsgi; scgi_temp_path $TMP/scgi;
  server {
    listen 127.0.0.1:$http_port;
    location = /echo { return 200 "args=\$args\n"; }
    location = /unavailable { return 503; }
    location = /basic {
      auth_basic "relgate test";
      auth_basic_user_file $TMP/htpasswd;
      alias $TMP/basic.txt;  # 'return' would answer before the access phase checks the password
    }
    location = /auth {
      if (\$http_authorization != "Bearer s3cret") { return 401; }
      return 200 "authorized\n";
    }
  }
  server {
    listen 127.0.0.1:$tls_port ssl;
    ssl_certificate $TMP/server.pem;
    ssl_certificate_key $TMP/server.key;
    location = /ok { return 200 "secure\n"; }
  }
}
CONF
nginx -c "$TMP/nginx.conf" -p "$TMP" &
nginx_pid=$!
# A server that accepts and never answers: the timeout must fire.
python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $silent_port)); s.listen(8)
conns = []
end = time.time() + 60
while time.time() < end:
    s.settimeout(1)
    try: conns.append(s.accept()[0])
    except OSError: pass
" &
silent_pid=$!
trap 'kill $nginx_pid $silent_pid 2>/dev/null; wait 2>/dev/null' EXIT

for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$http_port/echo" && break; sleep 0.1; done
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $silent_port), 0.2)" 2>/dev/null && break; sleep 0.1; done

export RELGATE_HTTP_TEST_BASE="http://127.0.0.1:$http_port"
export RELGATE_HTTP_TEST_TLS="https://127.0.0.1:$tls_port"
export RELGATE_HTTP_TEST_CA="$TMP/ca.pem"
export RELGATE_HTTP_TEST_CLOSED_PORT=$closed_port
export RELGATE_HTTP_TEST_SILENT_PORT=$silent_port
run "$RELGATE_BUILD_DIR/tests/unit_common" --no-skip --test-case='http live*,redact_url*'
expect_rc 0 "live HTTP client tests"
echo "$out" | tail -3
retries=$(grep -c '"GET /unavailable' "$TMP/access.log")
expect_eq "$retries" 3 "nginx saw every bounded retry"
finish
