#!/usr/bin/env bash
# `make fuzz`: builds every reader's fuzz target with libFuzzer and AddressSanitizer, seeds a
# corpus from real files, and fuzzes each for FUZZ_SECONDS (default 60). Fails on any crash, leak,
# timeout or out-of-memory; the input that caused it is kept in Fuzz/crashers/ (replay it with
# the normally built target: .build/release/fuzz-<reader> Fuzz/crashers/<file>). Then gives every
# option of every command hostile values (Fuzz/options.py).
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-"npy safetensors msh mtx csv mat"}
BUILD=.build/fuzz
CORPUS=.build/fuzz-corpus
RUNTIME=$(dirname "$(readlink -f "$(command -v swift)")")/../lib/clang
FUZZER_LIB=$(find "$RUNTIME" -name 'libclang_rt.fuzzer_no_main-x86_64.a' | head -1)
[ -n "$FUZZER_LIB" ] || { echo "fuzz: libclang_rt.fuzzer_no_main not found under $RUNTIME" >&2; exit 1; }
# libFuzzer's own main would clash with the entry point SwiftPM gives executables, so the targets
# link the no-main runtime and call LLVMFuzzerRunDriver (FuzzHarness.run).
FLAGS=(-c release --build-path $BUILD -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp
  -Xswiftc -DFUZZING -Xlinker "$FUZZER_LIB" -Xlinker -lstdc++)
for t in $TARGETS; do
  swift build "${FLAGS[@]}" --product fuzz-$t 2>&1 | grep -E "error|Compiling|Build" | grep -v "warning" | tail -1
done

# Seeds: small real files of each format.
rm -rf $CORPUS && mkdir -p $CORPUS/{npy,safetensors,msh,mtx,csv,mat} Fuzz/crashers
python3 - $CORPUS <<'PY'
import sys, numpy as np, scipy.io
c = sys.argv[1]
np.save(f"{c}/npy/f32.npy", np.arange(12, dtype=np.float32).reshape(3, 4))
np.save(f"{c}/npy/f64.npy", np.linspace(0, 1, 5))
np.save(f"{c}/npy/c64.npy", (np.ones((2, 2)) + 1j).astype(np.complex64))
np.save(f"{c}/npy/scalar.npy", np.float32(3))
for name, compress in [("v5", False), ("v5z", True)]:
    scipy.io.savemat(f"{c}/mat/{name}.mat", {"a": np.arange(6.0).reshape(2, 3), "b": np.ones(3, dtype=np.float32)}, do_compression=compress)
PY
cp Tests/Fixtures/*.safetensors $CORPUS/safetensors/
cp meshes/lshape.msh $CORPUS/msh/ 2>/dev/null
for m in meshes/*.msh; do [ "$(stat -c %s "$m")" -lt 200000 ] && cp "$m" $CORPUS/msh/; done
head -40 examples/koopa-co2/co2.csv > $CORPUS/csv/co2.csv
printf 'date,a,b\n2020-01-01,1,2\n2020-01-02,3,4\n2020-01-03,5,6\n' > $CORPUS/csv/small.csv
OPKIT=.build/release/opkit
if [ -x $OPKIT ]; then
  $OPKIT solve poisson --grid 4x4 --method cholmod --export-matrix $CORPUS/mtx/A.mtx --export-rhs $CORPUS/mtx/b.mtx >/dev/null 2>&1
  $OPKIT generate darcy --resolution 8 --samples 4 --out $CORPUS/darcy >/dev/null 2>&1
  $OPKIT train fno --data $CORPUS/darcy --epochs 1 --modes 2 --width 4 --out $CORPUS/safetensors/fno.safetensors >/dev/null 2>&1
  rm -rf $CORPUS/darcy
fi
printf '%%%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1.0\n2 2 2.0\n' > $CORPUS/mtx/small.mtx

status=0
printf "%-12s %10s %8s %8s %s\n" target executions cov features result
for t in $TARGETS; do
  log=$BUILD/fuzz-$t.log
  # Foundation's readBytesFromFile leaks its buffer on some failed reads (not our code).
  LSAN_OPTIONS=suppressions=Fuzz/lsan.supp:print_suppressions=0 timeout $((SECONDS_EACH + 120)) $BUILD/release/fuzz-$t $CORPUS/$t \
    -max_total_time=$SECONDS_EACH -timeout=10 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix=Fuzz/crashers/$t- >"$log" 2>&1
  code=$?
  executions=$(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$')
  line=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1)
  cov=$(echo "$line" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*')
  ft=$(echo "$line" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*')
  result=$([ $code -eq 0 ] && echo "clean" || echo "FAILED (exit $code, see $log)")
  printf "%-12s %10s %8s %8s %s\n" $t "${executions:-?}" "${cov:-?}" "${ft:-?}" "$result"
  [ $code -eq 0 ] || status=1
done

# Then every option of every command with hostile values (Fuzz/options.py); FUZZ_OPTIONS=0 skips.
if [ "${FUZZ_OPTIONS:-1}" != 0 ]; then
  python3 Fuzz/options.py $OPKIT --seconds 30 || status=1
fi
exit $status
