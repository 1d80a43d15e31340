#!/usr/bin/env bash
# The Debian packages the tests and the embedded default (`make run`) need beyond git, make and
# Node/npm. Called by `make install` (so by `make test` and `make run`) and by .ci/run: one path
# for CI and for a new user.
#
#   scripts/system-deps.sh          install what is missing (root on Debian: one apt-get update,
#                                   one apt-get install), else stop with the exact command to run
#   scripts/system-deps.sh --check  only check; exit 1 listing what is missing
#   scripts/system-deps.sh --list   print "command package why" for each need (test/ reads it)
#
# A command is looked up on PATH, or, given as an absolute path (programs Debian installs off
# PATH), checked as an executable file under $SYSTEM_DEPS_ROOT (default: /; the tests point it at
# a stub tree).
set -euo pipefail

# command   package   why
NEEDS=(
  "tar        tar        the Mesos agent emulator's fetcher extracts .tar/.tgz URIs"
  "unzip      unzip      kubectl and helm come out of a zip in an npm package; the fetcher extracts .zip URIs"
  "zip        zip        the fetcher's tests build a .zip to extract"
  "curl       curl       the chart's helm test script, run against a live dispatcher"
  "lua5.4     lua5.4     the Argo CD health check (deploy/argocd/health.lua) runs under Lua 5.4"
  "ps         procps     the make-run test finds every process \`make run\` started, to prove Ctrl-C stops them all"
  "chromium   chromium   the web UI's browser tests drive /usr/bin/chromium with playwright-core"
  "/usr/share/zookeeper/bin/zkServer.sh   zookeeper   the master-detection tests (and \`make run ZK=1\`) run real ZooKeeper servers"
)

mode=${1:-install}
case "$mode" in
  install|--check|--list) ;;
  *) echo "usage: $0 [--check|--list]" >&2; exit 2 ;;
esac

if [ "$mode" = --list ]; then
  for need in "${NEEDS[@]}"; do echo "$need"; done
  exit 0
fi

missing=()
for need in "${NEEDS[@]}"; do
  read -r command package _ <<<"$need"
  if [[ $command == /* ]]; then
    [ -x "${SYSTEM_DEPS_ROOT:-}$command" ] || missing+=("$package")
  else
    command -v "$command" >/dev/null 2>&1 || missing+=("$package")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

line="apt-get install -y ${missing[*]}"
if [ "$mode" = --check ]; then
  echo "system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "system-deps: install them with: $line" >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: this machine lacks ${missing[*]}, which the tests and 'make run' need." >&2
  echo "system-deps: install them (as root, on Debian or Ubuntu), then run make again:" >&2
  echo "  sudo apt-get update && sudo $line" >&2
  exit 1
fi

echo "system-deps: installing ${missing[*]} (one-time; chromium takes about a minute)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "system-deps: installed ${missing[*]}"
