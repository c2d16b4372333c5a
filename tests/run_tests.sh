#!/usr/bin/env bash
# The one test command (README.md). Runs the whole suite (unit, integration, browser) on
# every bench it finds: ERPNext v15 at CRM_PACK_BENCH (default ~/frappe-bench) on this
# host, and ERPNext v16 in the chroot at CRM_PACK_V16_ROOT (default /opt/frappe-v16-root,
# bench /opt/v16 inside, site v16.localhost; CRM_PACK_V16_ROOT=none leaves it out).
# Exercises *this* checkout: it is put first on each bench's PYTHONPATH (bind-mounted
# into the chroot) and each test site is migrated with it. Prints one summary line per
# version and fails if either fails. Services it starts it stops again.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
started=()
mounted=()

log() { echo "[run_tests${CRM_PACK_VERSION_LABEL:+ $CRM_PACK_VERSION_LABEL}] $*"; }

cleanup() {
	for svc in "${started[@]}"; do
		case $svc in
			mariadb) mysqladmin -uroot -p"${CRM_PACK_DB_ROOT_PASSWORD:-root}" -h127.0.0.1 shutdown >/dev/null 2>&1 \
				|| /etc/init.d/mariadb stop >/dev/null 2>&1 ;;
			redis:*) redis-cli -h 127.0.0.1 -p "${svc#redis:}" shutdown nosave >/dev/null 2>&1 ;;
			v16-pid:*) kill "${svc#v16-pid:}" 2>/dev/null
				for _ in $(seq 60); do kill -0 "${svc#v16-pid:}" 2>/dev/null || break; sleep 1; done ;;
		esac
		log "stopped $svc (started by this run)"
	done
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -R "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null; done
}
trap cleanup EXIT

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

# Paths given on the command line narrow the run; options alone keep the whole suite.
targets=(tests)
for arg in "$@"; do case $arg in -*) ;; *) targets=(); break ;; esac; done

# ---------------------------------------------------------------------------------------
# One bench: pytest and tools in its Python, the test site migrated with this checkout,
# the suite. Runs on the host for v15 and, re-executed inside the chroot, for v16.
# ---------------------------------------------------------------------------------------
test_bench() {
	local bench=$1 site=$2 db_port=$3
	shift 3
	local py="$bench/env/bin/python" db_pw=${CRM_PACK_DB_ROOT_PASSWORD:-root}

	if ! "$py" -c "import pytest" 2>/dev/null; then
		log "installing pytest into the bench's Python"
		"$py" -m pip install --quiet "pytest>=7" || return 1
	fi

	# Statement PDFs: frappe's wkhtmltopdf where Debian has it; on v16 without it, frappe's
	# Chrome generator (crm_pack.compat) with Debian's chromium, which the browser tests drive
	# too. pdftotext (poppler-utils) lets the tests read the PDF's text back.
	local tools="pdftotext:poppler-utils"
	if [ "${CRM_PACK_VERSION_LABEL:-}" = v16 ]; then
		tools+=" chromium:chromium fonts:fonts-noto-cjk"
	else
		tools+=" wkhtmltopdf:wkhtmltopdf"
	fi
	for tool in $tools; do
		if [ "${tool%%:*}" = fonts ]; then
			dpkg -s "${tool#*:}" >/dev/null 2>&1 && continue # the Chinese statements and screens
		elif command -v "${tool%%:*}" >/dev/null; then
			continue
		fi
		if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
			log "installing Debian's ${tool#*:}"
			apt-get install -y -qq "${tool#*:}" >/dev/null 2>&1 \
				|| { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "${tool#*:}" >/dev/null 2>&1; } \
				|| log "could not install ${tool#*:}: the tests that need it will fail"
		else
			log "no ${tool%%:*} and no apt-get as root: install ${tool#*:} (the tests that need it will fail)"
		fi
	done

	# browser tests: Playwright drives the system chromium (never a downloaded browser)
	if [ -x "${CRM_PACK_CHROMIUM:-/usr/bin/chromium}" ] && ! "$py" -c "import playwright" 2>/dev/null; then
		log "installing playwright into the bench's Python (browser tests)"
		"$py" -m pip install --quiet playwright || return 1
	fi

	export PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}"
	export CRM_PACK_BENCH="$bench" CRM_PACK_SITE="$site"
	bench_cli() { (cd "$bench/sites" && "$py" -m frappe.utils.bench_helper frappe "$@"); }

	# v16's Chrome PDF generator finds the browser through common_site_config
	if [ "${CRM_PACK_VERSION_LABEL:-}" = v16 ] && [ -x /usr/bin/chromium ] \
		&& ! grep -q '"chromium_path"' "$bench/sites/common_site_config.json" 2>/dev/null; then
		bench_cli set-config -g chromium_path /usr/bin/chromium >/dev/null || return 1
	fi

	# v16 reads frappe's and ERPNext's translations from compiled .mo files, which `bench
	# build` makes; a bench built without it shows a Chinese user English desk words
	if [ "${CRM_PACK_VERSION_LABEL:-}" = v16 ] && [ ! -d "$bench/sites/assets/locale" ]; then
		log "compiling frappe's and ERPNext's translations (bench compile-po-to-mo)"
		bench_cli compile-po-to-mo >/dev/null || return 1
	fi

	# --- the test site: created once, then migrated with this checkout ---
	if [ ! -f "$bench/sites/$site/site_config.json" ]; then
		log "creating test site $site (ERPNext, setup completed); this takes a few minutes"
		bench_cli new-site "$site" --db-host 127.0.0.1 --db-port "$db_port" --db-root-username root \
			--db-root-password "$db_pw" --admin-password admin --install-app erpnext || return 1
		bench_cli --site "$site" execute erpnext.setup.utils.before_tests || return 1
		bench_cli --site "$site" set-config allow_tests true || return 1
	fi
	# As `bench run-tests`: a site without allow_tests is someone's real data (the lifecycle
	# test uninstalls crm_pack there), so nothing below touches it.
	local allow_tests
	allow_tests=$(cd "$bench/sites" && "$py" -c '
import json, pathlib, sys
conf = {}
for path in ("common_site_config.json", sys.argv[1] + "/site_config.json"):
	if pathlib.Path(path).exists():
		conf.update(json.loads(pathlib.Path(path).read_text() or "{}"))
print(1 if conf.get("allow_tests") else 0)' "$site")
	if [ "$allow_tests" != 1 ]; then
		log "refusing to run: $site does not allow tests (set it with: bench --site $site set-config allow_tests true)"
		return 1
	fi
	# Frappe CRM (frappe/crm), where the bench has it (README "Frappe CRM bridge"): installed on
	# the test site so the bridge tests run; elsewhere they skip and everything else runs
	if [ -d "$bench/apps/crm/crm" ] && grep -qx crm "$bench/sites/apps.txt" && "$py" -c "import crm" 2>/dev/null; then
		if ! bench_cli --site "$site" list-apps 2>/dev/null | grep -qE '^crm( |$)'; then
			log "installing Frappe CRM on $site"
			bench_cli --site "$site" install-app crm || return 1
		fi
	else
		log "Frappe CRM not on this bench: bridge tests not run"
	fi
	if ! bench_cli --site "$site" list-apps 2>/dev/null | grep -q '^crm_pack'; then
		log "installing crm_pack on $site"
		bench_cli --site "$site" install-app crm_pack || return 1
	fi
	# the desk loads crm_pack's public JS and CSS from the bench's assets: serve this
	# checkout's for the run, and put the bench's own link back afterwards
	local assets="$bench/sites/assets/crm_pack" was_link=""
	if [ -L "$assets" ] || [ ! -e "$assets" ]; then
		was_link=$(readlink "$assets" 2>/dev/null || true)
		ln -sfn "$repo/crm_pack/public" "$assets"
	fi
	log "migrating $site with $repo"
	bench_cli --site "$site" migrate --skip-search-index >/tmp/crm_pack_migrate.log 2>&1 || {
		tail -40 /tmp/crm_pack_migrate.log; return 1; }

	# The suite's jobs go to a Redis database of their own on the bench's queue server
	# (frappe reads FRAPPE_REDIS_QUEUE before its config), so the workers a developer's bench
	# runs on the shared queues never take the jobs a test queued and then looks for; the
	# worker test starts its own worker on that database.
	local queue_url
	queue_url=$(cd "$bench/sites" && "$py" -c '
import json, sys, urllib.parse
url = json.load(open("common_site_config.json")).get("redis_queue")
if url:
	print(url, urllib.parse.urlsplit(url)._replace(path="/" + sys.argv[1]).geturl())' "${CRM_PACK_TEST_QUEUE_DB:-1}")
	if [ -n "$queue_url" ]; then
		export FRAPPE_REDIS_QUEUE="${queue_url#* }"
		log "the suite's jobs go to $FRAPPE_REDIS_QUEUE; the bench's workers serve ${queue_url%% *}"
	fi

	local rc
	(cd "$repo" && run_pytest "$py" -p no:cacheprovider "${targets[@]}" "$@")
	rc=$?
	if [ -n "$was_link" ]; then ln -sfn "$was_link" "$assets"; fi
	return $rc
}

if [ -n "${CRM_PACK_IN_CHROOT:-}" ]; then
	# inside the v16 chroot, services already started by the host side
	test_bench "$CRM_PACK_BENCH" "$CRM_PACK_SITE" "$CRM_PACK_DB_PORT" "$@"
	exit $?
fi

# ---------------------------------------------------------------------------------------
# v15 on this host
# ---------------------------------------------------------------------------------------
v15_services() {
	local bench=${CRM_PACK_BENCH:-$HOME/frappe-bench}
	local db_pw=${CRM_PACK_DB_ROOT_PASSWORD:-root}
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
		local port
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
}

run_v15() {
	local bench=${CRM_PACK_BENCH:-$HOME/frappe-bench} site=${CRM_PACK_SITE:-crm-test.localhost}
	(CRM_PACK_VERSION_LABEL=v15 test_bench "$bench" "$site" 3306 "$@")
}

# ---------------------------------------------------------------------------------------
# v16 in its chroot (Python 3.14, MariaDB 11.8 on 3317, Redis 13317/11317)
# ---------------------------------------------------------------------------------------
v16_root=${CRM_PACK_V16_ROOT:-/opt/frappe-v16-root}
v16_bench=${CRM_PACK_V16_BENCH:-/opt/v16}
v16_site=${CRM_PACK_V16_SITE:-v16.localhost}
# Several checkouts (worktrees) may run at once: each gets its own mount point and logs
V16_MOUNT=${CRM_PACK_V16_MOUNT:-/mnt/crm_pack_under_test}

in_v16() {
	chroot "$v16_root" /usr/bin/env -i \
		"PATH=$v16_bench/env/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 \
		"SSL_CERT_FILE=/etc/ssl/certs/host-ca-bundle.crt" "PIP_CERT=/etc/ssl/certs/host-ca-bundle.crt" \
		"CI=${CI:-}" "$@"
}
owned_pid() { [ -n "${1:-}" ] && [ "$(readlink "/proc/$1/root" 2>/dev/null)" = "$v16_root" ]; }
mount_once() { # what, where, options…
	local what=$1 where=$2; shift 2
	mountpoint -q "$where" && return 0
	mkdir -p "$where" && mount "$@" "$what" "$where" && mounted+=("$where")
}

v16_services() {
	local hb="$v16_root$v16_bench"
	mount_once proc "$v16_root/proc" -t proc || return 1
	if ! mountpoint -q "$v16_root/dev"; then
		mount --rbind /dev "$v16_root/dev" && mount --make-rslave "$v16_root/dev" && mounted+=("$v16_root/dev") || return 1
	fi
	mount_once "$repo" "$v16_root$V16_MOUNT" --bind || return 1

	# the chroot's own MariaDB and Redis, as the bench keeps them (pid files in the bench)
	if ! owned_pid "$(cat "$hb/db/my.pid" 2>/dev/null)"; then
		log "starting v16 MariaDB on 127.0.0.1:3317"
		in_v16 bash -c "mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld && rm -f $v16_bench/db/my.sock; \
			setsid mariadbd --user=mysql --datadir=$v16_bench/db --port=3317 --bind-address=127.0.0.1 \
			--socket=$v16_bench/db/my.sock --pid-file=$v16_bench/db/my.pid --log-error=$v16_bench/db/mariadb.err \
			--innodb-buffer-pool-size=512M --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
			--skip-name-resolve </dev/null >/dev/null 2>&1 &"
		in_v16 bash -c "for i in \$(seq 60); do mariadb-admin -S $v16_bench/db/my.sock ping >/dev/null 2>&1 && exit 0; sleep 1; done; exit 1" \
			|| { log "v16 MariaDB did not start (see $hb/db/mariadb.err)"; return 1; }
		started+=("v16-pid:$(cat "$hb/db/my.pid")")
	fi
	for port in 13317 11317; do
		owned_pid "$(cat "$hb/config/redis_$port.pid" 2>/dev/null)" && continue
		log "starting v16 Redis on 127.0.0.1:$port"
		in_v16 redis-server --port $port --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
			--pidfile "$v16_bench/config/redis_$port.pid" --logfile "$v16_bench/logs/redis_$port.log" --dir "$v16_bench/config"
		for _ in $(seq 20); do owned_pid "$(cat "$hb/config/redis_$port.pid" 2>/dev/null)" && break; sleep 0.5; done
		started+=("v16-pid:$(cat "$hb/config/redis_$port.pid")")
	done
	# frappe.utils.pdf opens ../logs/cssutils.log relative to the working folder at import
	mkdir -p "$v16_root/mnt/logs"
}

run_v16() {
	# env -i: what the chroot's run needs of ours is passed by name (the queue database too, or
	# two checkouts' v16 runs would share database 1 and one's burst worker take the other's jobs)
	in_v16 CRM_PACK_IN_CHROOT=1 CRM_PACK_VERSION_LABEL=v16 CRM_PACK_BENCH="$v16_bench" \
		CRM_PACK_SITE="$v16_site" CRM_PACK_DB_PORT=3317 CRM_PACK_TEST_QUEUE_DB="${CRM_PACK_TEST_QUEUE_DB:-1}" \
		bash "$V16_MOUNT/tests/run_tests.sh" "$@"
}

# ---------------------------------------------------------------------------------------
declare -A outcome
any_bench=0
logs=${CRM_PACK_LOG_PREFIX:-/tmp/crm_pack_tests}
rm -f "${logs}_v15.log" "${logs}_v16.log" # never an earlier run's summary
summary_of() { # the last pytest summary line of a log
	[ -f "$1" ] && grep -E '^=* ?[0-9]+ (passed|failed|errors?).* in [0-9.]+s' "$1" | tail -1 | sed -E 's/^=+ //; s/ =+$//'
}

test_version() { # version, services, runner, arguments
	local v=$1 services=$2 runner=$3
	shift 3
	any_bench=1
	# Services start here, in this shell and outside the log's pipe: a daemon started inside
	# it would hold the pipe open and tee would never end. Not a pipeline either, so
	# `started` and `mounted` reach the cleanup.
	if ! "$services"; then
		log "$v: the bench's services did not start"
		outcome[$v]=1
		return
	fi
	"$runner" "$@" > >(tee "${logs}_$v.log") 2>&1
	outcome[$v]=$?
	wait $! 2>/dev/null
}

v15_bench=${CRM_PACK_BENCH:-$HOME/frappe-bench}
if [ -x "$v15_bench/env/bin/python" ] && [ -d "$v15_bench/apps/frappe" ]; then
	log "v15: bench $v15_bench"
	test_version v15 v15_services run_v15 "$@"
else
	log "v15: no Frappe bench at $v15_bench (set CRM_PACK_BENCH): not tested on v15"
fi

if [ "$v16_root" != none ] && [ -f "$v16_root$v16_bench/env/pyvenv.cfg" ] && [ -d "$v16_root$v16_bench/apps/frappe" ]; then
	log "v16: bench $v16_bench in the chroot $v16_root"
	test_version v16 v16_services run_v16 "$@"
else
	log "v16: no Frappe v16 bench in $v16_root (set CRM_PACK_V16_ROOT): not tested on v16"
fi

if [ $any_bench = 0 ]; then
	py=python3
	"$py" -c "import pytest, rapidfuzz" 2>/dev/null || "$py" -m pip install --quiet pytest "rapidfuzz~=3.12"
	cd "$repo" && run_pytest "$py" "${targets[@]}" "$@"
	exit $?
fi

rc=0 passed=0 failed=0
for v in v15 v16; do
	[ -n "${outcome[$v]+x}" ] || continue
	line=$(summary_of "${logs}_$v.log")
	log "$v: ${line:-no pytest summary} (exit ${outcome[$v]})"
	[ "${outcome[$v]}" = 0 ] || rc=1
	p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+'); f=$(grep -oE '[0-9]+ (failed|errors?)' <<<"$line" | awk '{n += $1} END {print n + 0}')
	passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
	[ "${outcome[$v]}" = 0 ] || [ "${f:-0}" != 0 ] || failed=$((failed + 1)) # a run that failed before any test
done
echo "all versions: $passed passed, $failed failed"
exit $rc
