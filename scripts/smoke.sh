#!/usr/bin/env bash
# Smoke test of a running Hub: walks every telephony endpoint with curl, as the API
# reference's examples do, checks each status code and the fields that matter, and
# deletes what it made. Exits non-zero at the first unexpected answer, saying which.
#
#   HUB_URL=http://127.0.0.1:8000/api/v1 KATAVEN_API_KEY=kvn_... scripts/smoke.sh
#   HUB_URL=https://api.kataven.ai/v1    KATAVEN_API_KEY=kvn_... scripts/smoke.sh
#
# With a platform key, set X_ACCOUNT_ID to the account to act for. Where the service
# checks credentials with the carrier, give it real ones (they are sealed, used for the
# create and the rotation, then deleted with the rest):
#
#   SMOKE_PROVIDER=twilio SMOKE_CREDENTIALS='{"account_sid": "AC...", "auth_token": "..."}'
# Needs bash, curl and python3 (to read JSON).
set -uo pipefail

HUB_URL=${HUB_URL:?set HUB_URL, e.g. http://127.0.0.1:8000/api/v1}
KATAVEN_API_KEY=${KATAVEN_API_KEY:?set KATAVEN_API_KEY}
HUB_URL=${HUB_URL%/}
ORIGIN=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(f"{p.scheme}://{p.netloc}")' "$HUB_URL")
PREFIX=${HUB_URL#"$ORIGIN"}   # /api/v1 direct, /v1 through the proxy

SMOKE_PROVIDER=${SMOKE_PROVIDER:-twilio}
if [ -n "${SMOKE_CREDENTIALS:-}" ]; then
    python3 -c 'import json, sys; d = json.loads(sys.argv[1]); assert isinstance(d, dict) and d and all(isinstance(v, str) for v in d.values())' \
        "$SMOKE_CREDENTIALS" 2>/dev/null || { echo "SMOKE_CREDENTIALS must be a JSON object of strings" >&2; exit 2; }
else
    [ "$SMOKE_PROVIDER" = twilio ] || { echo "SMOKE_PROVIDER=$SMOKE_PROVIDER needs SMOKE_CREDENTIALS" >&2; exit 2; }
fi

AUTH=(-H "Authorization: Bearer $KATAVEN_API_KEY")
[ -n "${X_ACCOUNT_ID:-}" ] && AUTH+=(-H "X-Account-ID: $X_ACCOUNT_ID")

TMP=$(mktemp -d)
PROVIDER_ID=""
NUMBER_ID=""
AGENT="agent_smoke_$$"
STEP=0

cleanup() {
    # Remove what this run made, numbers first (a credential in use cannot go).
    [ -n "$NUMBER_ID" ] && curl -sS -o /dev/null -X DELETE "${AUTH[@]}" "$HUB_URL/telephony/numbers/$NUMBER_ID"
    [ -n "$PROVIDER_ID" ] && curl -sS -o /dev/null -X DELETE "${AUTH[@]}" "$HUB_URL/telephony/providers/$PROVIDER_ID"
    rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
    echo "FAIL [$STEP] $*" >&2
    echo "  answer: $STATUS $(head -c 400 "$TMP/body" 2>/dev/null)" >&2
    exit 1
}

step() {
    STEP=$((STEP + 1))
    echo "[$STEP] $*"
}

# call METHOD URL [JSON]: sets STATUS; the body lands in $TMP/body, headers in $TMP/headers.
call() {
    local method=$1 url=$2 data=${3:-}
    local args=(-sS -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$method" "${AUTH[@]}")
    [ -n "$data" ] && args+=(-H "Content-Type: application/json" --data-binary "$data")
    STATUS=$(curl "${args[@]}" "$url") || fail "curl could not reach $url"
}

expect_status() {
    [ "$STATUS" = "$1" ] || fail "expected HTTP $1"
}

# json EXPR: evaluates a Python expression over the answer's JSON, bound to `d`.
json() {
    python3 -c 'import json, sys
try:
    d = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit("not JSON")
print(eval(sys.argv[2]))' "$TMP/body" "$1"
}

expect_json() {
    local got
    got=$(json "$1") || fail "answer is not JSON"
    [ "$got" = "True" ] || fail "expected $1"
}

header() {
    grep -i "^$1:" "$TMP/headers" | head -n 1 | cut -d' ' -f2- | tr -d '\r'
}

# Ids go into later URLs and checks: only a UUID may.
expect_uuid() {
    [[ $1 =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] || fail "id '$1' is not a UUID"
}

# expect_location REQUEST_URL PATH: the answer's Location (resolved against the request's
# URL) is PATH on HUB_URL's origin.
# Relative and absolute are both right (RFC 9110 section 10.2.2): a proxy's
# `proxy_redirect /api/v1/ /v1/` makes it absolute unless `absolute_redirect off`.
# Sets LOCATION_URL to the absolute URL it names.
expect_location() {
    local location
    location=$(header Location)
    LOCATION_URL=$(python3 -c 'import sys, urllib.parse as u
hub, request_url, location, path = sys.argv[1:]
def origin(url):
    p = u.urlsplit(url)
    port = p.port or {"http": 80, "https": 443}.get(p.scheme.lower())
    return p.scheme.lower(), (p.hostname or "").lower(), port
try:
    url = u.urljoin(request_url, location)
    if not location or origin(url) != origin(hub) or u.urlsplit(url).path != path:
        sys.exit(1)
except ValueError:  # a port that is not a number, say
    sys.exit(1)
print(url)' "$HUB_URL" "$1" "$location" "$2") || fail "Location is '$location'; expected $2 on $ORIGIN"
}

expect_text() {
    [ "$(cat "$TMP/body")" = "$1" ] || fail "expected the text '$1'"
}

step "GET /telephony/providers without a key: 401"
STATUS=$(curl -sS -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' "$HUB_URL/telephony/providers") || fail "curl could not reach $HUB_URL"
expect_status 401
expect_text "missing or invalid API key"
[ "$(header WWW-Authenticate)" = "Bearer" ] || fail "expected WWW-Authenticate: Bearer"

step "POST /telephony/providers: 201, sealed, no secret in the answer"
SECRET="smoke-secret-$$-$RANDOM"
CREDENTIALS=${SMOKE_CREDENTIALS:-"{\"account_sid\": \"AC0123456789abcdef0123456789abcdef\", \"auth_token\": \"$SECRET\"}"}
KEYS=$(python3 -c 'import json, sys; print(sorted(json.loads(sys.argv[1])))' "$CREDENTIALS")
call POST "$HUB_URL/telephony/providers" "{
  \"label\": \"Smoke $SMOKE_PROVIDER\",
  \"provider\": \"$SMOKE_PROVIDER\",
  \"credentials\": $CREDENTIALS
}"
expect_status 201
PROVIDER_ID=$(json 'd["id"]') || fail "no id"
expect_uuid "$PROVIDER_ID"
expect_json "d['provider'] == '$SMOKE_PROVIDER' and d['label'] == 'Smoke $SMOKE_PROVIDER'"
expect_json "d['credential_keys'] == $KEYS and len(d['sealing_key_id']) > 0 and 'verified_at' in d"
python3 -c 'import json, sys; body = open(sys.argv[2]).read(); sys.exit(any(v in body for v in json.loads(sys.argv[1]).values()))' \
    "$CREDENTIALS" "$TMP/body" || fail "the answer shows the credential"
expect_location "$HUB_URL/telephony/providers" "$PREFIX/telephony/providers/$PROVIDER_ID"

step "GET the Location: 200, the same credential"
call GET "$LOCATION_URL"
expect_status 200
expect_json "d['id'] == '$PROVIDER_ID' and 'credentials' not in d"

step "GET /telephony/providers: the list holds it"
CURSOR=""
FOUND=False
while :; do
    call GET "$HUB_URL/telephony/providers?limit=200${CURSOR:+&cursor=$CURSOR}"
    expect_status 200
    expect_json 'isinstance(d["providers"], list) and "next_cursor" in d'
    FOUND=$(json "any(p['id'] == '$PROVIDER_ID' for p in d['providers'])")
    CURSOR=$(json 'd["next_cursor"] or ""')
    [ "$FOUND" = "True" ] || [ -z "$CURSOR" ] && break
done
[ "$FOUND" = "True" ] || fail "the credential is not listed"

step "POST /telephony/numbers: 201, provider taken from the credential"
for attempt in 1 2 3 4 5; do
    E164="+1202555$(printf '%04d' $(( (RANDOM * 32768 + RANDOM) % 10000 )))"
    call POST "$HUB_URL/telephony/numbers" "{
  \"credentials_id\": \"$PROVIDER_ID\",
  \"e164\": \"$E164\",
  \"inbound_enabled\": true,
  \"outbound_enabled\": false
}"
    [ "$STATUS" = 400 ] && grep -q "^duplicate number" "$TMP/body" && continue
    break
done
expect_status 201
NUMBER_ID=$(json 'd["id"]') || fail "no id"
expect_uuid "$NUMBER_ID"
expect_json "d['e164'] == '$E164' and d['credentials_id'] == '$PROVIDER_ID' and d['provider'] == '$SMOKE_PROVIDER'"
expect_json 'd["agent_id"] is None and d["inbound_enabled"] is True and d["outbound_enabled"] is False'
expect_location "$HUB_URL/telephony/numbers" "$PREFIX/telephony/numbers/$NUMBER_ID"

step "POST the same number again: 400 duplicate"
call POST "$HUB_URL/telephony/numbers" "{\"credentials_id\": \"$PROVIDER_ID\", \"e164\": \"$E164\"}"
expect_status 400
expect_text "duplicate number: $E164 is already registered"

step "GET /telephony/numbers?e164=...: exactly that number"
call GET "$HUB_URL/telephony/numbers?e164=%2B${E164#+}"
expect_status 200
expect_json "[n['id'] for n in d['numbers']] == ['$NUMBER_ID'] and d['next_cursor'] is None"

step "PATCH /telephony/numbers/{id}: pin to an agent, 204"
call PATCH "$HUB_URL/telephony/numbers/$NUMBER_ID" "{\"agent_id\": \"$AGENT\"}"
expect_status 204

step "GET /telephony/numbers?agent_id=...: the pinned number"
call GET "$HUB_URL/telephony/numbers?agent_id=$AGENT"
expect_status 200
expect_json "[(n['id'], n['agent_id']) for n in d['numbers']] == [('$NUMBER_ID', '$AGENT')]"

step "PATCH /telephony/numbers/{id}: unpin, 204"
call PATCH "$HUB_URL/telephony/numbers/$NUMBER_ID" '{"agent_id": null}'
expect_status 204
call GET "$HUB_URL/telephony/numbers/$NUMBER_ID"
expect_status 200
expect_json 'd["agent_id"] is None'

step "DELETE /telephony/providers/{id} while a number uses it: 409"
call DELETE "$HUB_URL/telephony/providers/$PROVIDER_ID"
expect_status 409
expect_text "credential in use by 1 phone number"

step "PATCH /telephony/providers/{id}: rotate in place, 204"
ROTATED=${SMOKE_CREDENTIALS:-"{\"account_sid\": \"AC0123456789abcdef0123456789abcdef\", \"auth_token\": \"$SECRET-2\"}"}
call PATCH "$HUB_URL/telephony/providers/$PROVIDER_ID" "{
  \"label\": \"Smoke $SMOKE_PROVIDER (rotated)\",
  \"credentials\": $ROTATED
}"
expect_status 204
call GET "$HUB_URL/telephony/providers/$PROVIDER_ID"
expect_status 200
expect_json "d['label'] == 'Smoke $SMOKE_PROVIDER (rotated)' and d['updated_at'] > d['created_at']"

step "GET /telephony/events?object_id=...: each change recorded, newest first"
call GET "$HUB_URL/telephony/events?object_id=$PROVIDER_ID"
expect_status 200
expect_json "[e['type'] for e in d['events']] == ['provider.updated', 'provider.created']"
expect_json "d['events'][0]['data']['credentials'] == 'rotated' and d['events'][0]['object_id'] == '$PROVIDER_ID'"
expect_json "all(e['actor']['key_id'] and e['request_id'] for e in d['events'])"
call GET "$HUB_URL/telephony/events?object_id=$NUMBER_ID&type=number.updated"
expect_status 200
expect_json "[e['data']['agent_id'] for e in d['events']] == [{'from': '$AGENT', 'to': None}, {'from': None, 'to': '$AGENT'}]"

step "DELETE /telephony/numbers/{id}: 204, then 404"
call DELETE "$HUB_URL/telephony/numbers/$NUMBER_ID"
expect_status 204
call GET "$HUB_URL/telephony/numbers/$NUMBER_ID"
expect_status 404
expect_text "phone number not found"
NUMBER_ID=""

step "DELETE /telephony/providers/{id}: 204, then 404"
call DELETE "$HUB_URL/telephony/providers/$PROVIDER_ID"
expect_status 204
call GET "$HUB_URL/telephony/providers/$PROVIDER_ID"
expect_status 404
expect_text "credential not found"
PROVIDER_ID=""

echo "smoke test passed: $STEP steps against $HUB_URL"
