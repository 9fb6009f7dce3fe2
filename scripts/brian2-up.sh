#!/bin/bash
# Installs Brian2 (Debian's python3-brian) for /usr/bin/python3 when it is
# missing, for the specs that run the same networks in Brian2 side by side
# (specs/synapses/brian2.spec.ts) and for `npm run bench:brian2`. Best
# effort: prints why it could not, and those specs then skip with the reason.
set -u
say() { echo "brian2-up: $*"; }
if /usr/bin/python3 -c 'import brian2' >/dev/null 2>&1; then say "Brian2 is installed"; exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then say "Brian2 is not installed (and apt-get as root is not available)"; exit 0; fi
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-brian) >/tmp/brian2-up-apt.log 2>&1 || { say "apt-get could not install python3-brian (/tmp/brian2-up-apt.log)"; exit 0; }
/usr/bin/python3 -c 'import brian2' >/dev/null 2>&1 && say "installed python3-brian" || say "python3-brian is installed but brian2 does not import (/tmp/brian2-up-apt.log)"
