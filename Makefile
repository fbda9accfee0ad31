# OperatorKit — the three jobs a user runs. Each installs missing Debian packages first.
SHELL := /bin/bash
DEBIAN_PACKAGES := libfftw3-dev libsuitesparse-dev libopenblas-dev liblapacke-dev libhdf5-dev zlib1g-dev pkg-config libopenmpi-dev openmpi-bin libpetsc-real-dev libcairo2-dev fonts-dejavu-core
## Code for this machine's vector units, as HPC software is built (-march=native): on an x86-64
## CPU with AVX2 and FMA (Haswell, Zen and later) Swift and C compile for `haswell`
## (x86-64-v3: 8-wide vectors in the elementwise, Winograd and smoother kernels; OPERATORKIT_FMA
## turns on the fused multiply-add GEMM kernel of the Winograd convolutions), elsewhere for
## the baseline. The binary then needs such a CPU; `make CPU=baseline …` builds one for any x86-64.
ifndef CPU
CPU := $(shell flags=" $$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "; cpu=haswell; \
  for f in avx2 fma bmi1 bmi2 f16c movbe abm; do [[ "$$flags" == *" $$f "* ]] || cpu=baseline; done; echo $$cpu)
endif
CPU_FLAGS := $(if $(filter haswell,$(CPU)),-Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell -Xswiftc -DOPERATORKIT_FMA)
SWIFT_RELEASE := swift build -c release $(CPU_FLAGS)
OPKIT := .build/release/opkit
OUT := out

.PHONY: demo test bench deps build python-deps clean fuzz sanitize

## Install the Debian packages the C targets link against (idempotent; root or sudo).
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## numpy, scipy and h5py are used by the cross-check tests (numpy and scipy come with the machine
## image; pip installs what is missing).
python-deps:
	@python3 -c "import numpy, scipy, h5py" 2>/dev/null || python3 -m pip install -q numpy scipy h5py

build: deps
	$(SWIFT_RELEASE) --product opkit

## The main jobs on built-in defaults, each step saying what it did: Poisson on a grid and on
## meshes, then the operator-learning slice — generate Darcy data, train an FNO, evaluate it at
## the training resolution and, zero-shot, at twice it, then a short MgNO run — with pictures.
demo: build
	@mkdir -p $(OUT)
	$(OPKIT) solve poisson --grid 256x256 --method pcg-mg --out $(OUT)/poisson-grid.npy --png $(OUT)/poisson-grid.png
	$(OPKIT) solve poisson --mesh meshes/lshape.msh --method cholmod --out $(OUT)/poisson-lshape.vtu
	$(OPKIT) solve poisson --mesh meshes/cube-with-hole.msh --method pcg-ic --out $(OUT)/poisson-cube.vtu
	$(OPKIT) generate darcy --resolution 32 --samples 500 --seed 0 --out $(OUT)/darcy32 --png $(OUT)/darcy32.png
	$(OPKIT) generate darcy --resolution 32 --samples 100 --seed 1 --out $(OUT)/darcy32-test
	$(OPKIT) generate darcy --resolution 64 --samples 100 --seed 2 --out $(OUT)/darcy64-test
	@rm -f $(OUT)/fno.safetensors
	$(OPKIT) train fno --data $(OUT)/darcy32 --test-data $(OUT)/darcy32-test --epochs 10 --out $(OUT)/fno.safetensors --png $(OUT)/fno-training.png
	$(OPKIT) evaluate --model $(OUT)/fno.safetensors --data $(OUT)/darcy32-test --png $(OUT)/fno-eval32.png
	$(OPKIT) evaluate --model $(OUT)/fno.safetensors --data $(OUT)/darcy64-test --png $(OUT)/fno-eval64.png
	@rm -f $(OUT)/mgno.safetensors
	$(OPKIT) train mgno --data $(OUT)/darcy32 --test-data $(OUT)/darcy32-test --epochs 5 --out $(OUT)/mgno.safetensors --png $(OUT)/mgno-training.png
	$(OPKIT) evaluate --model $(OUT)/mgno.safetensors --data $(OUT)/darcy32-test --png $(OUT)/mgno-eval32.png
	@echo "outputs written to $(OUT)/"

## The test suite, in release mode with @testable imports enabled. OpenBLAS on one thread, as
## every opkit command configures it (ProcessConfiguration): its idle workers would spin.
test: deps python-deps
	OPENBLAS_NUM_THREADS=1 swift test -c release $(CPU_FLAGS) -Xswiftc -enable-testing --disable-swift-testing

## Benchmarks: SpMV vs STREAM triad, every solve method on 2D Poisson 1024x1024, tensor kernels,
## then FNO training against the PyTorch reference on the same files (installs PyTorch on demand),
## then MgNO against FNO (parameters, time per epoch, test error; EPOCHS=100 for the accuracy run),
## then the accuracy against the reference implementations on identical data (MgNO against its
## PyTorch transcription, 30 epochs, two seeds; DeepONet against DeepXDE, installed on demand,
## 10,000 steps full batch and batch 20, two seeds), then Koopa's time per epoch and peak memory
## on the shipped CO2 series and Koopa against its authors' code (thuml/Koopa, cloned on first use)
## on four statsmodels series, then the scale-out figures (PETSc GAMG and BoomerAMG beside our multigrid
## on Poisson 1023², generation and FNO training at one process and at `mpirun -np 2`).
bench: build
	$(OPKIT) bench
	bash bench/compare-fno.sh
	bash bench/compare-fno-inference.sh
	bash bench/compare-operators.sh $(EPOCHS)
	bash bench/compare-mgno.sh
	bash bench/compare-deeponet.sh
	bash bench/forecast-co2.sh
	bash bench/koopa-authors.sh
	bash bench/dcdm.sh
	bash bench/scale-out.sh

## Fuzz every file reader (.npy, .safetensors + checkpoint loading, .msh, Matrix Market, CSV, .mat)
## with libFuzzer and AddressSanitizer for FUZZ_SECONDS each (default 60); fails on any crash,
## leak or timeout and keeps the input in Fuzz/crashers/.
fuzz: deps python-deps build
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) bash Fuzz/run.sh

## The test suite under AddressSanitizer (leaks checked in every opkit child the CLI tests run,
## not in the XCTest runner, which keeps its test cases alive until exit), then
## the tests of the parallel kernels (tensor ops, spectral, SpMV, Krylov and multigrid, the
## generators) under ThreadSanitizer. Separate build folders; not part of `make test`.
TSAN_TESTS := TensorsTests|SpectralTests|SparseTests|KrylovTests|PDEDataTests|LayersTests
sanitize: deps python-deps
	ASAN_OPTIONS=detect_leaks=0 OPKIT_CHILD_ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/lsan.supp OPENBLAS_NUM_THREADS=1 \
	  swift test -c release -Xswiftc -enable-testing --sanitize=address --build-path .build/asan --disable-swift-testing
	TSAN_OPTIONS=halt_on_error=1 OPENBLAS_NUM_THREADS=1 \
	  swift test -c release -Xswiftc -enable-testing --sanitize=thread --build-path .build/tsan --disable-swift-testing \
	  --filter '$(TSAN_TESTS)'

clean:
	rm -rf .build $(OUT)
