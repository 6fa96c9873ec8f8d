#!/usr/bin/env bash
# Grades a student's server in CI: waits until its ports are bound, runs
# netgrade with file reporters, and exits with netgrade's code (0 all passed,
# 1 some failed, 2 usage or spec error). Everything is set by environment:
#
#   NETGRADE_HOST          host of the server               (127.0.0.1)
#   NETGRADE_PORTS         service=port, space-separated    (udp=12000 tcp=12000)
#   NETGRADE_SPECS         spec names or files              (udp-echo tcp-echo)
#   NETGRADE_TAGS          --tags value, empty for the default (core)
#   NETGRADE_REPORTERS     reporters, space-separated       (console junit=reports/junit.xml html=reports/report.html)
#                          `github` is added when GITHUB_ACTIONS=true and it is not listed
#   NETGRADE_WAIT_SECONDS  how long to wait for the ports   (30)
#   NETGRADE_CMD           how to call netgrade             (npx netgrade)
#
# If a port is still closed after the wait, netgrade runs anyway: its report
# then says "nothing is listening" for each case, which is what a student needs.
set -euo pipefail

host="${NETGRADE_HOST:-127.0.0.1}"
ports="${NETGRADE_PORTS:-udp=12000 tcp=12000}"
specs="${NETGRADE_SPECS:-udp-echo tcp-echo}"
tags="${NETGRADE_TAGS:-}"
reporters="${NETGRADE_REPORTERS:-console junit=reports/junit.xml html=reports/report.html}"
wait_seconds="${NETGRADE_WAIT_SECONDS:-30}"
cmd="${NETGRADE_CMD:-npx netgrade}"

say() { printf 'ci-grade: %s\n' "$*" >&2; }

is_local() {
  case "$1" in 127.* | localhost | ::1 | '[::1]' | 0.0.0.0) return 0 ;; *) return 1 ;; esac
}

# Whether a local socket is bound to PORT: TCP in LISTEN (0A), UDP unconnected (07).
# Reads /proc, so it never connects to the student's server (a probe connection
# would count as a client and could crash a fragile server).
bound_locally() {
  local proto=$1 port=$2 state hex files=()
  hex=$(printf ':%04X' "$port")
  if [[ $proto == tcp ]]; then state=0A; else state=07; fi
  for f in "/proc/net/$proto" "/proc/net/${proto}6"; do [[ -r $f ]] && files+=("$f"); done
  ((${#files[@]} > 0)) || return 2
  awk -v p="$hex" -v s="$state" 'FNR > 1 && substr($2, length($2) - 4) == p && $4 == s { found = 1 } END { exit !found }' "${files[@]}"
}

# Whether PORT is ready: bound (local host, Linux), or accepting TCP connections (elsewhere).
ready() {
  local proto=$1 port=$2 rc=0
  if is_local "$host"; then
    bound_locally "$proto" "$port" || rc=$?
    ((rc != 2)) && return "$rc"
  fi
  if [[ $proto == tcp ]]; then
    (exec 3<>"/dev/tcp/${host#[}/$port") 2>/dev/null
  else
    return 3 # a UDP port cannot be probed from here
  fi
}

wait_for() {
  local service=$1 port=$2 proto=tcp rc
  [[ $service == udp ]] && proto=udp
  while :; do
    rc=0
    ready "$proto" "$port" || rc=$?
    if ((rc == 0)); then say "$service port $port is ready"; return 0; fi
    if ((rc == 3)); then say "cannot see whether udp port $port on $host is bound; not waiting"; return 0; fi
    if ((SECONDS >= deadline)); then
      say "nothing bound to $proto port $port on $host after ${wait_seconds} s: did the server start? (running netgrade anyway)"
      return 0
    fi
    sleep 0.2
  done
}

deadline=$((SECONDS + wait_seconds)) # one wait for all the ports together
args=(run)
read -r -a spec_list <<<"$specs"
args+=("${spec_list[@]}" --host "$host")
for entry in $ports; do
  if [[ ! $entry =~ ^[a-z]+=[0-9]+$ ]]; then say "NETGRADE_PORTS: \"$entry\" is not service=port"; exit 2; fi
  wait_for "${entry%%=*}" "${entry#*=}"
  args+=(--port "$entry")
done
[[ -n $tags ]] && args+=(--tags "$tags")
for r in $reporters; do args+=(--reporter "$r"); done
if [[ ${GITHUB_ACTIONS:-} == true && " $reporters " != *" github "* ]]; then args+=(--reporter github); fi

read -r -a command <<<"$cmd"
exec "${command[@]}" "${args[@]}"
