#!/usr/bin/env bash
# Build pyrec._core with AddressSanitizer + UBSan and run tests/core against it.
#
#   tools/sanitize_core.sh [extra pytest args]     e.g. -k vector_index
#
# Everything happens in a throw-away virtualenv under a temp dir (override
# with SANITIZE_DIR=...; KEEP=1 keeps it): a normal, non-editable install of
# this checkout built with -Ccmake.define.PYREC_SANITIZE=ON, so the regular
# editable install and build/ are left alone. Runtime dependencies are not
# installed (--no-deps); only what tests/core needs.
#
# Exits non-zero if the build fails, a test fails, or any sanitizer report
# appears (ASan aborts on the first error; UBSan is built with
# -fno-sanitize-recover and told to abort too; the log is also scanned in
# case a report came from a child process).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-$(command -v python || command -v python3)}"
work="${SANITIZE_DIR:-$(mktemp -d -t pyrec-sanitize.XXXXXX)}"
log="$work/pytest.log"
start=$(date +%s)
stage() { echo "== [$(( $(date +%s) - start ))s] $*"; }

cleanup() {
    if [[ "${KEEP:-0}" != 1 && -z "${SANITIZE_DIR:-}" ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

stage "sanitizer venv in $work"
"$python" -m venv "$work/venv"
venv_py="$work/venv/bin/python"
"$venv_py" -m pip install -q --upgrade pip
# Build backend (pip's isolated build env fetches these too; listing them
# here keeps a failed fetch from looking like a compiler error) + test deps.
"$venv_py" -m pip install -q numpy pytest pytest-timeout hypothesis scipy

stage "building the core with ASan + UBSan (a few minutes)"
"$venv_py" -m pip install -q --no-deps \
    -Ccmake.define.PYREC_SANITIZE=ON \
    -Cbuild-dir="$work/build" \
    "$repo"

# The ASan runtime must come first. libstdc++ is preloaded too: python does
# not link it, and ASan's __cxa_throw interceptor aborts on the first C++
# exception if libstdc++ was not loaded when ASan initialised.
libasan="$(gcc -print-file-name=libasan.so)"
libstdcxx="$(g++ -print-file-name=libstdc++.so.6)"
for lib in "$libasan" "$libstdcxx"; do
    if [[ ! -e "$lib" ]]; then
        echo "runtime library not found: '$lib'" >&2
        exit 2
    fi
done

stage "running tests/core under the sanitizers"
# Run from the temp dir with the venv's pytest so `import pyrec` finds the
# sanitized install, not the source tree. detect_leaks=0: CPython itself
# leaks at exit. PYTHONMALLOC=malloc lets ASan see every Python allocation.
# Reports go to files: pytest captures fd 2, and an abort would swallow them.
reports="$work/reports"
rm -rf "$reports" && mkdir -p "$reports"
set +e
(
    cd "$work"
    LD_PRELOAD="$libasan $libstdcxx" \
    ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=1:strict_init_order=1:log_path=$reports/asan" \
    UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$reports/ubsan" \
    PYTHONMALLOC=malloc \
    PYTHONFAULTHANDLER=1 \
    "$work/venv/bin/pytest" -c "$repo/pyproject.toml" --rootdir "$repo" -p no:cacheprovider \
        -q "$repo/tests/core" "$@"
) 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

if compgen -G "$reports/*" > /dev/null; then
    echo "== sanitizer reports:" >&2
    cat "$reports"/* >&2
    [[ $status -eq 0 ]] && status=1
fi
if grep -qE "ERROR: AddressSanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer" "$log"; then
    echo "== sanitizer report in the test output (see above)" >&2
    [[ $status -eq 0 ]] && status=1
fi
echo "== done in $(( $(date +%s) - start ))s, exit status $status"
exit "$status"
