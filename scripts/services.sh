#!/usr/bin/env bash
# Make sure the database servers the store conformance suite uses are up.
# This machine kind starts them before each session and before CI; this
# script starts one that has stopped, with the same commands, and fails with
# a clear message when it cannot.
set -u
pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
my_up() { (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; }
wait_for() { for _ in $(seq 1 30); do "$1" && return 0; sleep 1; done; return 1; }

if ! pg_up; then
  echo "PostgreSQL is not listening on 127.0.0.1:5432; starting it" >&2
  if ls /etc/postgresql >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  wait_for pg_up || { echo "PostgreSQL is still down: start it with 'pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start' or run with TONGBAN_TEST_DIALECTS=sqlite" >&2; exit 1; }
fi
if ! my_up; then
  echo "MariaDB is not listening on 127.0.0.1:3306; starting it" >&2
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] && start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  wait_for my_up || { echo "MariaDB is still down: start it with 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd' or run with TONGBAN_TEST_DIALECTS=sqlite" >&2; exit 1; }
fi
echo "services: PostgreSQL and MariaDB are up"
