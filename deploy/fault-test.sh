#!/usr/bin/env bash
# The fault test on the compose cluster: starts it from scratch, runs steady load from this host
# (FaultLoad: creates at a fixed rate, each verified with the code from the SMS inbox), and during
# it kills one broker (the KRaft controller, after printing what each broker holds), one otp-stream
# instance and one dispatcher (docker kill), pauses the SMS provider for 10 s, and starts each
# again. Then prints what every create came to, and per fault how long the part was down, how long
# it took to be healthy again and what the clients saw.
# Exits non-zero when a challenge answered 201 was lost or approved twice, or a request hung.
#
#   deploy/fault-test.sh [--keep]      # --keep leaves the cluster running afterwards
# Needs root (it runs deploy/local-images.sh, which installs and starts a Docker engine when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
keep=false
[ "${1:-}" = --keep ] && keep=true

RATE=${FAULT_RATE:-3}                 # creates per second (this 2-core host runs the whole cluster: 5/s saturates it)
DURATION=${FAULT_DURATION:-PT260S}    # of the load; the faults below end about 220 s into it
export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-smsotp}
compose() { docker-compose --env-file deploy/local-images.env "$@"; }
log() { echo "fault-test: $(date -u +%H:%M:%S) $*"; }
work=$(mktemp -d)
events="$work/events"
: > "$events"
event() { echo "$(date +%s%3N) $1 $2" >> "$events"; log "$1 $2"; }

cleanup() {
  if [ "$keep" = false ]; then
    compose down -v --remove-orphans > "$work/down.log" 2>&1 || cat "$work/down.log" >&2
  fi
}

bash deploy/local-images.sh
if [ ! -f launcher/target/smsotp.jar ] || [ ! -f auth-service/target/auth-service.jar ]; then
  log "building the jars"
  mvn -B -q -DskipTests package
fi

log "starting the cluster from scratch"
compose down -v --remove-orphans > /dev/null 2>&1 || true
trap cleanup EXIT
compose up -d --build > "$work/up.log" 2>&1 || { cat "$work/up.log" >&2; compose ps; compose logs --tail=40; exit 1; }

# every container with a healthcheck healthy, or give up after five minutes
await_healthy() { # [container ids...]: all of them when none given
  local ids=("$@") deadline=$((SECONDS + 300)) state id
  [ ${#ids[@]} -gt 0 ] || mapfile -t ids < <(compose ps -q)
  while [ $SECONDS -lt $deadline ]; do
    local waiting=0
    for id in "${ids[@]}"; do
      state=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id")
      case $state in
        "running healthy"|"running none"|"exited none") ;;
        *) waiting=1 ;;
      esac
    done
    [ $waiting = 0 ] && return 0
    sleep 1
  done
  log "not healthy after five minutes:"; compose ps
  # the logs of what is not healthy go with the cluster at exit: keep them in this run's output
  for id in "${ids[@]}"; do
    state=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id")
    case $state in
      "running healthy"|"running none"|"exited none") ;;
      *) log "--- $(docker inspect -f '{{.Name}}' "$id") ($state): its health checks and the last 200 lines of its log"
         docker inspect -f '{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}{{end}}' "$id" 2>&1 | tail -20
         docker logs --tail 200 "$id" 2>&1 ;;
    esac
  done
  return 1
}
started=$SECONDS
await_healthy
log "cluster healthy $((SECONDS - started)) s after up"
compose ps

key_file="$work/api-key"
compose exec -T auth-service cat /run/secrets/smsotp/demo-api-key > "$key_file"

# answered through the proxy
for path in /health/ready /metrics; do
  code=$(curl -s -o "$work/out" -w '%{http_code}' "http://127.0.0.1:8080$path")
  [ "$code" = 200 ] || { log "GET $path through the proxy answered $code"; exit 1; }
done
grep -q '^smsotp_auth_pending_replies' "$work/out" || { log "/metrics lacks smsotp_auth_pending_replies"; exit 1; }
log "/health/ready and /metrics answer 200 through the proxy"

# a 2FA round trip through the proxy: the first create may wait for otp-stream's first rebalance
json() { python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }
number=+15555550142
deadline=$((SECONDS + 180))
until created=$(curl -s -m 20 -X POST http://127.0.0.1:8080/api/v1/challenges -H "Authorization: Bearer $(cat "$key_file")" \
                -H 'Content-Type: application/json' -d "{\"to\":\"$number\"}") && echo "$created" | grep -q '"pending"'; do
  [ $SECONDS -lt $deadline ] || { log "no challenge could be created in three minutes: $created"; exit 1; }
  sleep 2
done
id=$(echo "$created" | json '["id"]')
until code=$(curl -s "http://127.0.0.1:8090/messages?to=%2B${number#+}" | json '[-1]["text"]' 2>/dev/null | grep -oE '^[0-9]{6}'); do
  [ $SECONDS -lt $deadline ] || { log "the SMS of challenge $id never reached the inbox"; exit 1; }
  sleep 1
done
verified=$(curl -s -m 20 -X POST "http://127.0.0.1:8080/api/v1/challenges/$id/verify" -H "Authorization: Bearer $(cat "$key_file")" \
           -H 'Content-Type: application/json' -d "{\"code\":\"$code\"}")
[ "$(echo "$verified" | json '["valid"]')" = True ] || { log "the code from the inbox was refused: $verified"; exit 1; }
log "2FA round trip through the proxy: created, SMS in the inbox, verified (valid: true)"

# a browser login through the published ports (Chromium, as the browser tests use)
compose exec -T auth-service cat /run/secrets/smsotp/demo-user-password > "$work/demo-password"
log "browser login through the proxy (ClusterLoginBrowserIT)"
# (only surefire's default execution: the launcher's log-capture execution would run it a second time)
if ! mvn -B -q -pl launcher -am test-compile surefire:test@default-test -Dtest=ClusterLoginBrowserIT \
     -Dsurefire.failIfNoSpecifiedTests=false \
     -Dsmsotp.cluster.passwordFile="$work/demo-password" > "$work/browser.log" 2>&1; then
  grep -v '^\[INFO\]' "$work/browser.log" | tail -60
  compose logs --tail=40 proxy demo-app 2>&1 | tail -60
  compose logs --tail=25 auth-service 2>&1 | tail -50
  log "the browser login failed"; exit 1
fi
log "browser login: signed in to Pickup Dispatch as demo with the SMS code (amr pwd sms)"

# down and up again (volumes kept): users, keys and a pending challenge survive
number=+15555550143
created=$(curl -s -m 20 -X POST http://127.0.0.1:8080/api/v1/challenges -H "Authorization: Bearer $(cat "$key_file")" \
          -H 'Content-Type: application/json' -d "{\"to\":\"$number\"}")
id=$(echo "$created" | json '["id"]')
deadline=$((SECONDS + 120))
until code=$(curl -s "http://127.0.0.1:8090/messages?to=%2B${number#+}" | json '[-1]["text"]' 2>/dev/null | grep -oE '^[0-9]{6}'); do
  [ $SECONDS -lt $deadline ] || { log "the SMS of challenge $id never reached the inbox"; exit 1; }
  sleep 1
done
log "docker-compose down, then up, with challenge $id pending"
compose down > /dev/null 2>&1
started=$SECONDS
compose up -d > "$work/up2.log" 2>&1 || { cat "$work/up2.log" >&2; exit 1; }
await_healthy
log "healthy again $((SECONDS - started)) s after up"
deadline=$((SECONDS + 120))
until verified=$(curl -s -m 20 -X POST "http://127.0.0.1:8080/api/v1/challenges/$id/verify" \
                 -H "Authorization: Bearer $(cat "$key_file")" -H 'Content-Type: application/json' \
                 -d "{\"code\":\"$code\"}") && echo "$verified" | grep -q '"valid"'; do
  [ $SECONDS -lt $deadline ] || { log "verify after the restart got no answer: $verified"; exit 1; }
  sleep 2
done
[ "$(echo "$verified" | json '["valid"]')" = True ] || { log "the pending challenge did not survive down and up: $verified"; exit 1; }
log "after down and up: the same API key works and the challenge made before verifies (valid: true)"

log "load: $RATE creates/s for $DURATION"
java -Xmx512m -cp launcher/target/smsotp.jar io.smsotp.launcher.bench.FaultLoad --api http://127.0.0.1:8080 \
     --inbox http://127.0.0.1:8090 --key-file "$key_file" --rate "$RATE" --duration "$DURATION" \
     --events "$events" > "$work/report" 2> "$work/load.err" &
load=$!

one() { compose ps -q "$1" | sed -n 1p; }   # sed reads it all: no SIGPIPE under pipefail
# kill NAME SERVICE DOWN_SECONDS: docker kill one container of SERVICE, start it after DOWN_SECONDS
kill_and_restart() {
  local name=$1 id; id=$(one "$2")
  event kill "$name"; docker kill "$id" > /dev/null
  sleep "$3"
  event start "$name"; docker start "$id" > /dev/null
  await_healthy "$id"; event healthy "$name"
}

# what each broker holds; the one killed is the KRaft controller, the worst case once kafka-setup
# has balanced the leaders: its death also costs a controller election before the others move its
# partitions and coordinators
sleep 15
roles=$(compose run --rm --no-deps -T kafka-setup kafka-roles --config /etc/smsotp/smsotp.yml 2> "$work/roles.err" \
        | grep '^kafka-roles:') || { tail -20 "$work/roles.err" >&2; log "kafka-roles failed"; exit 1; }
echo "$roles"
controller=$(echo "$roles" | sed -n 's/^kafka-roles: controller //p')
case $controller in
  1|2|3) ;;
  *) log "kafka-roles named no controller among kafka-1..3: '$controller'"; exit 1 ;;
esac
kill_and_restart "kafka-$controller" "kafka-$controller" 20
sleep 15
kill_and_restart otp-stream otp-stream 15
sleep 15
kill_and_restart sms-dispatcher sms-dispatcher 15
sleep 15
gw=$(one sms-gateway)
event pause sms-gateway; docker pause "$gw" > /dev/null
sleep 10
event unpause sms-gateway; docker unpause "$gw" > /dev/null
await_healthy "$gw"; event healthy sms-gateway

log "faults done; waiting for the load to settle"
status=0
wait $load || status=$?
cat "$work/report"
if [ -s "$work/load.err" ]; then sed 's/^/load: /' "$work/load.err" | tail -20; fi
if [ $status -ne 0 ]; then
  log "FAILED; the services' last lines:"
  compose logs --tail=30 otp-stream sms-dispatcher auth-service 2>&1 | tail -120
  exit $status
fi

