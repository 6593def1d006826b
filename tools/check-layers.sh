#!/bin/sh
# check-layers.sh — the build's layering rule (doc/architecture.md):
# a file under src/<module>/ includes project headers as "<module>/<name>.h",
# only from its own layer or a lower one, and nothing outside src/cli/ (the
# MPI program lives in src/cli/mpi/) includes a CLI header.  Prints every violation; exits 1 if there is any.
cd "$(dirname "$0")/.." || exit 2

layer() {
    case "$1" in
        core) echo 1 ;;
        io | design) echo 2 ;;
        analysis) echo 3 ;;
        model) echo 4 ;;
        optim) echo 5 ;;
        report) echo 6 ;;
        cli) echo 7 ;;
        *) echo 0 ;;
    esac
}

bad=0
for f in src/*/*.c src/*/*.h src/cli/mpi/*.c src/cli/mpi/*.h tests/*.c tests/*.h bench/*.c fuzz/*.c tools/*.c; do
    [ -f "$f" ] || continue
    case "$f" in
        src/*) own=$(echo "$f" | cut -d/ -f2); own_layer=$(layer "$own") ;;
        *) own=outside; own_layer=6 ;;
    esac
    if [ "$own_layer" = 0 ]; then
        echo "$f: src/$own/ is not a module folder (see doc/architecture.md)"; bad=1; continue
    fi
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r line; do
        n=${line%%:*}
        inc=$(echo "$line" | sed 's/.*"\(.*\)".*/\1/')
        case "$inc" in
            */*) mod=${inc%%/*} ;;
            *) case "$f" in src/*) echo "$f:$n: \"$inc\": include project headers as \"<module>/$inc\""; echo x >&3 ;; esac; continue ;;
        esac
        l=$(layer "$mod")
        if [ "$l" = 0 ]; then continue; fi
        if [ "$l" -gt "$own_layer" ]; then
            echo "$f:$n: $own (layer $own_layer) includes $inc (layer $l): a lower layer never includes a higher one"
            echo x >&3
        fi
    done 3>>"${TMPDIR:-/tmp}/check-layers.$$"
done
if [ -s "${TMPDIR:-/tmp}/check-layers.$$" ]; then bad=1; fi
rm -f "${TMPDIR:-/tmp}/check-layers.$$"
exit $bad
