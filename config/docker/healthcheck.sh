#!/bin/sh
# The image's HEALTHCHECK: /healthz asked the way the TLS proxy asks. Django answers only the hosts in
# DJANGO_ALLOWED_HOSTS (400 for Host: 127.0.0.1), so the check sends the first of them rather than widening
# ALLOWED_HOSTS for everyone; a wildcard entry (".example.org", "*") becomes a name it matches.
host=$(printf '%s' "${DJANGO_ALLOWED_HOSTS:-localhost}" | cut -d, -f1 | tr -d ' ')
case $host in
    '*') host=localhost ;;
    .*) host=${host#.} ;;
esac
exec curl -fsS -m 4 -o /dev/null -H "Host: $host" -H "X-Forwarded-Proto: https" http://127.0.0.1:8000/healthz
