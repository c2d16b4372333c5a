#!/usr/bin/env bash
# The one test command (README.md): unit tests, and integration tests on a real
# ERPNext site when a bench exists. Exercises *this* checkout: it is put first on
# the bench's PYTHONPATH and the test site is migrated with it.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=${CRM_PACK_BENCH:-$HOME/frappe-bench}
site=${CRM_PACK_SITE:-crm-test.localhost}
started=()

log() { echo "[run_tests] $*"; }

stop_started() {
	for svc in "${started[@]}"; do
		case $svc in
			mariadb) mysqladmin -uroot -p"${CRM_PACK_DB_ROOT_PASSWORD:-root}" -h127.0.0.1 shutdown >/dev/null 2>&1 \
				|| /etc/init.d/mariadb stop >/dev/null 2>&1 ;;
			redis:*) redis-cli -h 127.0.0.1 -p "${svc#redis:}" shutdown nosave >/dev/null 2>&1 ;;
		esac
		log "stopped $svc (started by this run)"
	done
}
trap stop_started EXIT

run_pytest() {
	local py=$1; shift
	"$py" -m pytest "$@"
	local rc=$?
	if [ $rc -eq 5 ]; then
		log "FAILED: pytest collected no tests"
		return 1
	fi
	return $rc
}

if [ ! -x "$bench/env/bin/python" ] || [ ! -d "$bench/apps/frappe" ]; then
	log "no Frappe bench at $bench (set CRM_PACK_BENCH): integration tests cannot run here"
	py=python3
	"$py" -c "import pytest, rapidfuzz" 2>/dev/null || "$py" -m pip install --quiet pytest "rapidfuzz~=3.12"
	cd "$repo" && run_pytest "$py" tests
	exit $?
fi

# --- services the bench needs (started here only if installed but not running) ---
db_pw=${CRM_PACK_DB_ROOT_PASSWORD:-root}
if ! mysqladmin -uroot -p"$db_pw" -h127.0.0.1 ping >/dev/null 2>&1; then
	if [ -x /etc/init.d/mariadb ] || command -v mysqld_safe >/dev/null; then
		log "starting MariaDB"
		if [ -x /etc/init.d/mariadb ]; then /etc/init.d/mariadb start >/dev/null 2>&1
		else (mysqld_safe --bind-address=127.0.0.1 >/dev/null 2>&1 &); fi
		for _ in $(seq 1 30); do mysqladmin -uroot -p"$db_pw" -h127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
		started+=(mariadb)
	fi
fi
for conf in "$bench"/config/redis_cache.conf "$bench"/config/redis_queue.conf; do
	[ -f "$conf" ] || continue
	port=$(awk '/^port/{print $2}' "$conf")
	if ! redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && command -v redis-server >/dev/null; then
		log "starting Redis on 127.0.0.1:$port"
		# --save "": this run's queue (jobs left half-done when it stops) is not snapshotted
		# into the bench's dump, where the next start would load it
		(cd "$bench" && redis-server "$conf" --bind 127.0.0.1 --daemonize yes --save "" \
			--logfile "$bench/logs/redis_$port.log")
		started+=("redis:$port")
	fi
done

if ! "$bench/env/bin/python" -c "import pytest" 2>/dev/null; then
	log "installing pytest into the bench's Python"
	"$bench/env/bin/python" -m pip install --quiet "pytest>=7" || exit 1
fi

# --- PDFs (statements of account): frappe's PDF engine is Debian's wkhtmltopdf; pdftotext
# (poppler-utils) lets the tests read the PDF's text. Installed only where apt-get runs as root.
for tool in wkhtmltopdf:wkhtmltopdf pdftotext:poppler-utils; do
	command -v "${tool%%:*}" >/dev/null && continue
	if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
		log "installing Debian's ${tool#*:} (${tool%%:*})"
		apt-get install -y -qq "${tool#*:}" >/dev/null 2>&1 \
			|| { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "${tool#*:}" >/dev/null 2>&1; } \
			|| log "could not install ${tool#*:}: $([ "${tool%%:*}" = wkhtmltopdf ] && echo 'statement PDF tests will fail' || echo 'PDF text is not checked')"
	else
		log "no ${tool%%:*} and no apt-get as root: install ${tool#*:} ($([ "${tool%%:*}" = wkhtmltopdf ] && echo 'statement PDF tests will fail' || echo 'PDF text is not checked'))"
	fi
done
# --- end PDFs ---

# --- browser tests (tests/browser): Playwright into the bench's Python where chromium exists ---
# Playwright drives the system chromium (never a downloaded browser); without chromium
# the browser tests say in one line why they did not run.
if [ -x "${CRM_PACK_CHROMIUM:-/usr/bin/chromium}" ] && ! "$bench/env/bin/python" -c "import playwright" 2>/dev/null; then
	log "installing playwright into the bench's Python (browser tests)"
	"$bench/env/bin/python" -m pip install --quiet playwright || exit 1
fi
# --- end browser tests ---

export PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}"
export CRM_PACK_BENCH="$bench" CRM_PACK_SITE="$site"
bench_cli() { (cd "$bench/sites" && "$bench/env/bin/python" -m frappe.utils.bench_helper frappe "$@"); }

# --- the test site: created once, then migrated with this checkout ---
if [ ! -f "$bench/sites/$site/site_config.json" ]; then
	log "creating test site $site (ERPNext, setup completed); this takes a few minutes"
	bench_cli new-site "$site" --db-root-username root --db-root-password "$db_pw" \
		--admin-password admin --install-app erpnext || exit 1
	bench_cli --site "$site" execute erpnext.setup.utils.before_tests || exit 1
	bench_cli --site "$site" set-config allow_tests true || exit 1
fi
# As `bench run-tests`: a site without allow_tests is someone's real data (the lifecycle
# test uninstalls crm_pack there), so nothing below touches it.
allow_tests=$(cd "$bench/sites" && "$bench/env/bin/python" -c '
import json, pathlib, sys
conf = {}
for path in ("common_site_config.json", sys.argv[1] + "/site_config.json"):
	if pathlib.Path(path).exists():
		conf.update(json.loads(pathlib.Path(path).read_text() or "{}"))
print(1 if conf.get("allow_tests") else 0)' "$site")
if [ "$allow_tests" != 1 ]; then
	log "refusing to run: $site does not allow tests (set it with: bench --site $site set-config allow_tests true)"
	exit 1
fi
if ! bench_cli --site "$site" list-apps 2>/dev/null | grep -q '^crm_pack'; then
	log "installing crm_pack on $site"
	bench_cli --site "$site" install-app crm_pack || exit 1
fi
log "migrating $site with $repo"
bench_cli --site "$site" migrate --skip-search-index >/tmp/crm_pack_migrate.log 2>&1 || {
	tail -40 /tmp/crm_pack_migrate.log; exit 1; }

# Paths given on the command line narrow the run; options alone keep the whole suite.
targets=(tests)
for arg in "$@"; do case $arg in -*) ;; *) targets=(); break ;; esac; done
cd "$repo" && run_pytest "$bench/env/bin/python" "${targets[@]}" "$@"
