#!/usr/bin/env bash
# `make run`: the LinkedIn sandbox and the worker on embedded defaults (SQLite in .data/demo, in-memory
# bus), with a seeded demo fleet. The worker runs inside the demo host (src/TokenWorkers.Demo), which
# composes it exactly as its own Program.cs does and adds the demo. Ctrl-C stops both.
set -euo pipefail
configuration=${1:-Release}
sandbox_url=${2:-http://127.0.0.1:5080}
worker_url=${WORKER_URL:-http://127.0.0.1:5070}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

sandbox_pid=
cleanup() { [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

dotnet run --project src/TokenWorkers.Sandbox -c "$configuration" --no-build -- --urls "$sandbox_url" &
sandbox_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$sandbox_url/_sandbox/clock" >/dev/null 2>&1 && break
  kill -0 "$sandbox_pid" 2>/dev/null || { echo "run: the sandbox did not start (is $sandbox_url free?)" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$sandbox_url/_sandbox/clock" >/dev/null || { echo "run: the sandbox at $sandbox_url does not answer" >&2; exit 1; }

# A fresh demo every run: the store is a file, and the sandbox forgets its grants when it stops.
data_dir="$PWD/.data/demo"
demo_page="urn:li:organization:90210001"
rm -rf "$data_dir"
cat <<TXT

  LinkedIn sandbox:  $sandbox_url   (control surface: $sandbox_url/_sandbox/requests)
  Worker:            $worker_url/health/ready
  Connect a member:  your product's backend mints a one-time link with a key holding the connect scope:
                     curl -sS -X POST -H 'X-Api-Key: dev-only-backend-key-NOT-A-SECRET' -H 'Content-Type: application/json' \\
                       -d '{"connectionId":"demo-dana","tenantId":"demo-tenant"}' $worker_url/admin/connect-sessions
                     then open the "url" it returns in a browser (once, within 15 minutes)
  Status page:       $worker_url/admin/status  (any user name; password dev-only-admin-key-NOT-A-SECRET)
  Admin API:         curl -H 'X-Api-Key: dev-only-admin-key-NOT-A-SECRET' $worker_url/admin/connections
  Import:            the demo imports $data_dir/demo-import.ndjson once at start; again by hand:
                     curl -sS -H 'X-Api-Key: dev-only-admin-key-NOT-A-SECRET' -H 'Content-Type: application/x-ndjson' \\
                       --data-binary @$data_dir/demo-import.ndjson $worker_url/admin/connections/import
  Proxy:             curl -H 'X-Api-Key: dev-only-admin-key-NOT-A-SECRET' $worker_url/proxy/linkedin/demo-imported-1/v2/userinfo
  Audit trail:       curl -H 'X-Api-Key: dev-only-admin-key-NOT-A-SECRET' $worker_url/admin/audit
  Posts:             the demo posts as demo-alice, as its Company Page ($demo_page), schedules one post a minute
                     ahead and cancels another, and deletes one once it is out; see them with
                     curl $sandbox_url/_sandbox/posts   or   curl -H 'X-Api-Key: dev-only-admin-key-NOT-A-SECRET' $worker_url/admin/posts/demo-post-scheduled-1
  Watch for TokenRefreshed, ConnectionRecovered, ReauthSoon, ReauthRequired, PostPublished, PostScheduled, PostCancelled,
  PostDeleted, PostHeld, PostFailed, the import and the proxied call below (the scheduled post after a minute).

TXT
ASPNETCORE_ENVIRONMENT=Development \
Urls="$worker_url" \
Connect__Enabled=true \
Admin__Enabled=true \
Proxy__Enabled=true \
Connect__PublicBaseUrl="$worker_url/" \
Demo__SandboxUrl="$sandbox_url/" \
LinkedIn__OAuthBaseUrl="$sandbox_url/" \
LinkedIn__ApiBaseUrl="$sandbox_url/" \
Storage__DataDirectory="$data_dir" \
Refresh__ScanInterval=00:00:05 \
Publishing__ScanInterval=00:00:05 \
  dotnet run --project src/TokenWorkers.Demo -c "$configuration" --no-build
