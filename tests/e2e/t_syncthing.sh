#!/bin/sh
# t_syncthing.sh — two real Syncthing instances share the quire state
# folder of two "machines" (issue 18; docs/FORMATS.md "Sync").  Each
# machine has its own HOME, its own Syncthing home and a library at another
# path with other file names.  They read different stories in sync; then,
# with the folder paused on both (offline), both read the same story and
# set and delete marks; syncing resumes, Syncthing leaves conflict copies,
# and quire started on both merges them: every position and mark on both,
# copies gone, deleted marks not back.
#
# Syncthing listens on 127.0.0.1 only, with global and local discovery,
# relays, NAT traversal, usage reports, crash reports and upgrades off.
# Every wait is for an event (polled), bounded; the suite fails past the
# bound and always stops its Syncthing processes (trap EXIT).  Skipped with
# a note when syncthing or curl is not installed (scripts/deps.sh installs
# them).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_fixture.sh"

H="$TOP/build/unit/test_bookmarks"
if ! command -v syncthing >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
    echo "t_syncthing: syncthing or curl not installed (scripts/deps.sh); skipped" >&2
    finish
fi
if [ ! -x "$H" ]; then
    echo "t_syncthing: $H missing (run make unit); skipped" >&2
    finish
fi

ST_PIDS=""
stop_syncthing() {
    for p in $ST_PIDS; do kill "$p" 2>/dev/null; done
    for p in $ST_PIDS; do
        n=0
        while kill -0 "$p" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
        kill -9 "$p" 2>/dev/null
    done
    ST_PIDS=""
}
trap 'stop_syncthing; rm -rf "$TMPD"' EXIT

START=$(date +%s)
LIMIT=60    # seconds for the whole suite's waits; past it, the suite fails
# wait_for WHAT COMMAND...: poll COMMAND until it succeeds; fail (and stop)
# when the suite's time is up.
wait_for() {
    what=$1; shift
    while ! "$@" >/dev/null 2>&1; do
        if [ $(( $(date +%s) - START )) -ge $LIMIT ]; then
            fail "$what (not within ${LIMIT}s)"
            for m in A B; do echo "--- syncthing $m log:" >&2; tail -n 15 "$TMPD/$m/st.log" >&2; done
            finish
        fi
        sleep 0.2
    done
    pass
}

# A free TCP port on 127.0.0.1 (not listened on now).
free_port() {
    while :; do
        p=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
        if command -v ss >/dev/null 2>&1; then
            [ -z "$(ss -ltnH "sport = :$p" 2>/dev/null)" ] && break
        else
            break
        fi
    done
    echo "$p"
}

for m in A B; do
    mkdir -p "$TMPD/$m/home" "$TMPD/$m/state/quire"
    # Locks and temporary files are not synced (docs/FORMATS.md "Sync").
    printf 'bookmarks.lock\n*.lock\n*.tmp.*\n' >"$TMPD/$m/state/quire/.stignore"
    HOME="$TMPD/$m/home" syncthing generate --home="$TMPD/$m/st" --no-default-folder \
        >"$TMPD/$m/gen.out" 2>&1
    id=$(sed -n 's/.*Device ID: *\([A-Z0-9-]*\).*/\1/p' "$TMPD/$m/gen.out" | head -n 1)
    eval "ID_$m=\$id"
    eval "PORT_$m=$(free_port) GUI_$m=$(free_port)"
done
check "Syncthing made two device ids" test -n "$ID_A" -a -n "$ID_B" -a "$ID_A" != "$ID_B"
KEY=quire-test-key

# configure MACHINE OTHER: edit the generated config.xml: 127.0.0.1 only,
# nothing public, the other device by its address, the state folder shared.
configure() {
    eval "me=\$ID_$1 other=\$ID_$2 port=\$PORT_$1 oport=\$PORT_$2 gui=\$GUI_$1"
    c="$TMPD/$1/st/config.xml"
    sed -i \
        -e "s|<listenAddress>.*</listenAddress>|<listenAddress>tcp://127.0.0.1:$port</listenAddress>|" \
        -e "s|<globalAnnounceEnabled>true<|<globalAnnounceEnabled>false<|" \
        -e "s|<localAnnounceEnabled>true<|<localAnnounceEnabled>false<|" \
        -e "s|<relaysEnabled>true<|<relaysEnabled>false<|" \
        -e "s|<natEnabled>true<|<natEnabled>false<|" \
        -e "s|<urAccepted>0<|<urAccepted>-1<|" \
        -e "s|<autoUpgradeIntervalH>[0-9]*<|<autoUpgradeIntervalH>0<|" \
        -e "s|<startBrowser>true<|<startBrowser>false<|" \
        -e "s|<crashReportingEnabled>true<|<crashReportingEnabled>false<|" \
        -e "s|<reconnectionIntervalS>[0-9]*<|<reconnectionIntervalS>1<|" \
        -e "s|<address>127.0.0.1:[0-9]*</address>|<address>127.0.0.1:$gui</address>|" \
        -e "s|<apikey>.*</apikey>|<apikey>$KEY</apikey>|" \
        "$c"
    # The other device and the shared folder, before the <gui> element.
    ins="    <folder id=\"quire\" label=\"quire state\" path=\"$TMPD/$1/state/quire\" type=\"sendreceive\" rescanIntervalS=\"3600\" fsWatcherEnabled=\"true\" fsWatcherDelayS=\"1\" ignorePerms=\"false\" autoNormalize=\"true\">\\
        <filesystemType>basic</filesystemType>\\
        <device id=\"$me\"></device>\\
        <device id=\"$other\"></device>\\
        <minDiskFree unit=\"%\">0</minDiskFree>\\
        <maxConflicts>10</maxConflicts>\\
    </folder>\\
    <device id=\"$other\" name=\"machine $2\" compression=\"metadata\" introducer=\"false\">\\
        <address>tcp://127.0.0.1:$oport</address>\\
    </device>"
    sed -i "/^    <gui /i\\
$ins" "$c"
}
configure A B
configure B A
check "the configs listen on 127.0.0.1 only, with nothing public" \
    sh -c "! grep -q -e '<globalAnnounceEnabled>true' -e '<localAnnounceEnabled>true' \
        -e '<relaysEnabled>true' -e '<natEnabled>true' -e '<listenAddress>default' '$TMPD/A/st/config.xml' '$TMPD/B/st/config.xml'"

for m in A B; do
    HOME="$TMPD/$m/home" STNOUPGRADE=1 STNORESTART=1 \
        syncthing serve --home="$TMPD/$m/st" --no-browser --no-restart --no-upgrade \
        >"$TMPD/$m/st.log" 2>&1 &
    ST_PIDS="$ST_PIDS $!"
done

# rest MACHINE METHOD PATH [BODY]: the machine's REST API.
rest() {
    eval "gui=\$GUI_$1"
    curl -sf -m 10 -H "X-API-Key: $KEY" -X "$2" ${4:+-d "$4"} "http://127.0.0.1:$gui$3"
}
connected() {   # MACHINE OTHER
    eval "other=\$ID_$2"
    rest "$1" GET /rest/system/connections | tr -d ' \n' | grep -q "\"$other\":{[^}]*\"connected\":true"
}
wait_for "Syncthing A answers" rest A GET /rest/system/ping
wait_for "Syncthing B answers" rest B GET /rest/system/ping
wait_for "A and B are connected" connected A B

LA="$TMPD/A/books"
LB="$TMPD/B/home/Reading"
sync_libraries "$LA" "$LB"
SA="$TMPD/A/state/quire"
SB="$TMPD/B/state/quire"
T=$(( $(date +%s) - 1000 ))
at() {   # MACHINE WHEN MODE ARGS...: the helper on that machine at WHEN
    m=$1 w=$2 mode=$3; shift 3
    if [ "$m" = A ]; then lib=$LA dir=$SA; else lib=$LB dir=$SB; fi
    BM_WHEN=$w "$H" "$mode" "$lib" "$dir" "$@"
}
where() {   # MACHINE TITLE [LETTER]: "CHAPTER TEXT" of the place
    if [ $# -eq 3 ]; then at "$1" 0 wheremark "$2" "$3"; else at "$1" 0 where "$2"; fi |
        sed 's/ *$//'
}
no_mark() { ! at "$1" 0 wheremark "$2" "$3" >/dev/null 2>&1; }
same_file() { cmp -s "$SA/$1" "$SB/$1"; }
quire_on() {   # MACHINE ARGS...
    m=$1; shift
    if [ "$m" = A ]; then lib=$LA; else lib=$LB; fi
    HOME="$TMPD/$m/home" XDG_STATE_HOME="$TMPD/$m/state" "$QUIRE" -L "$lib" "$@"
}

# ---- 1. in sync: each machine reads its own story ---------------------------
at A $T setpos "The Clocks" 1 "Nobody came"
at A $((T + 1)) setmark "The Clocks" a 1 "Nobody came"
at A $((T + 2)) setmark "The Clocks" b 2 "a quarter past nine"
at A $((T + 3)) setmark "The Clocks" d 2 "a quarter past nine"
wait_for "B receives A's bookmarks" same_file bookmarks
at B $((T + 10)) setpos "The Ledger" 1 "counted his coins"
wait_for "A receives B's bookmarks" sh -c "grep -q '	counted his coins' '$SA/bookmarks'"
check_eq "B opens A's story where A left it" "$(where B "The Clocks")" "1 Nobody came."
check_eq "A opens B's story where B left it" "$(where A "The Ledger")" "1 counted his coins tw"

# ---- 2. offline: both read the same story ------------------------------------
for m in A B; do
    rest $m PATCH /rest/config/folders/quire '{"paused":true}' >/dev/null
done
paused() { rest "$1" GET /rest/config/folders/quire | tr -d ' \n' | grep -q '"paused":true'; }
wait_for "the folder is paused on A" paused A
wait_for "the folder is paused on B" paused B
sync_offline_edits "$T"
check "offline, the two bookmarks files differ" sh -c "! cmp -s '$SA/bookmarks' '$SB/bookmarks'"

# ---- 3. back online: Syncthing keeps both versions ---------------------------
# (A folder element without <maxConflicts> means 0: no conflict copies,
# the older version silently lost.  The config above asks for 10, as
# Syncthing's own default folder has.)
for m in A B; do
    rest $m PATCH /rest/config/folders/quire '{"paused":false}' >/dev/null
done
# settled: both folders hold the same state files (names and bytes), with
# a conflict copy among them when WANT_COPY is set.
settled() {
    for f in $(ls "$SA" "$SB" | grep -e '^bookmarks' -e '^device-' -e '^search-history' | sort -u); do
        case $f in *.lock|*.tmp.*) continue ;; esac
        same_file "$f" || return 1
    done
    [ -z "$WANT_COPY" ] || ls "$SA" | grep -q '^bookmarks\.sync-conflict-'
}
WANT_COPY=1
wait_for "Syncthing leaves a conflict copy on both machines" settled
check "named as Syncthing names them" \
    sh -c "ls '$SA' | grep -q '^bookmarks\.sync-conflict-[0-9]\{8\}-[0-9]\{6\}-[A-Z0-9]\{7\}$'"

# ---- 4. quire starts on both: the copies are merged and gone -------------------
WANT_COPY=
no_copies() { ! ls "$SA" "$SB" | grep -q 'sync-conflict'; }
round=0
while :; do
    quire_on A --bookmarks >"$TMPD/A.list" 2>"$TMPD/A.err"
    quire_on B --bookmarks >"$TMPD/B.list" 2>"$TMPD/B.err"
    round=$((round + 1))
    for m in A B; do rest $m POST "/rest/db/scan?folder=quire" >/dev/null; done
    wait_for "both folders agree after quire's merge (round $round)" settled
    no_copies && break
    # Both machines wrote the merge at once: Syncthing may keep one more
    # copy (the same records); the next start merges it.
    [ $round -lt 4 ] || break
done
check "no conflict copy is left on either machine" no_copies
check_eq "quire started without a warning on A" "$(cat "$TMPD/A.err")" ""
check_eq "quire started without a warning on B" "$(cat "$TMPD/B.err")" ""
check "both machines hold the same bookmarks" same_file bookmarks
check_eq "nothing was kept aside as unreadable" "$(ls "$SA" "$SB" | grep -c '\.bad-')" 0
for m in A B; do
    check_eq "$m: the newest place in Clocks (A's)" "$(where $m "The Clocks")" "3 the great frost, and"
    check_eq "$m: the newest place in the Ledger (B's)" "$(where $m "The Ledger")" "2 north before the sno"
    check_eq "$m: mark b (set in sync) is kept" "$(where $m "The Clocks" b)" "2 a quarter past nine."
    check_eq "$m: mark c (set on B offline) is kept" "$(where $m "The Clocks" c)" "3 the great frost, and"
    check "$m: mark a (deleted on A after B set it again) is not back" no_mark $m "The Clocks" a
    check "$m: mark d (deleted on B) is not back" no_mark $m "The Clocks" d
done
# Listed again now that both folders agree (a listing made while the other
# machine's merge was on its way may be one record behind).
quire_on A --bookmarks >"$TMPD/A.list" 2>&1
quire_on B --bookmarks >"$TMPD/B.list" 2>&1
check_eq "both machines list the same positions" "$(cat "$TMPD/A.list")" "$(cat "$TMPD/B.list")"
check "and the listing has both stories" \
    sh -c "grep -q '^The Clocks of Ardmore' '$TMPD/A.list' && grep -q '^The Ledger of Ivo' '$TMPD/A.list'"
stop_syncthing
finish
