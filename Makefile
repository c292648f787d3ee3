# zmq-oxide: build, install, demo and test.
#
#   make                      release build (cargo build --release)
#   make install PREFIX=dir   install lib/ (stripped; debug info in lib/.debug),
#                             include/, lib/pkgconfig/libzmq.pc,
#                             lib/cmake/ZeroMQ/ and bin/zmq-oxide-run
#   make demo                 set up a fresh Debian machine, build, run capi-tests/demo.c
#   make test                 set up, then every test phase (see scripts/test.sh)
#   make interop              stage, then the wire interop suite (interop/run.sh)
#   make faults               stage, then the fault suite, full form, 3 runs of each
#                             scenario; writes docs/faults.md (faults/run.sh, as root)
#   make soak                 stage, then one hour of churn on both libraries;
#                             writes docs/soak.md and docs/soak.png (not in CI)
#   make clean                remove everything builds and tests made (target/ too)
#
# `make demo` and `make test` install into the staging prefix build/prefix and
# never touch anything outside the repository except Debian packages.

SHELL := /bin/bash
.NOTPARALLEL:
.DEFAULT_GOAL := build

# cargo may live in ~/.cargo/bin without being on PATH (fresh CI shells)
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)
CARGO ?= cargo
CC ?= cc

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
# SPLIT_DEBUG=0 installs the libraries as built, debug information included;
# otherwise it goes to LIBDIR/.debug/libzmq.so.$(SO_VERSION).debug
# (scripts/install-libs.sh)
SPLIT_DEBUG ?= 1
DESTDIR ?=
# absolute paths, so that libzmq.pc is right even for PREFIX=relative/dir
prefix_abs := $(abspath $(PREFIX))
libdir_abs := $(abspath $(LIBDIR))
includedir_abs := $(abspath $(INCLUDEDIR))
bindir_abs := $(abspath $(BINDIR))
# libzmq.pc says ${prefix}/lib and ${prefix}/include unless moved elsewhere
pc_libdir := $(if $(filter $(prefix_abs)/lib,$(libdir_abs)),$${exec_prefix}/lib,$(libdir_abs))
pc_includedir := $(if $(filter $(prefix_abs)/include,$(includedir_abs)),$${prefix}/include,$(includedir_abs))
# ZeroMQConfig.cmake finds the headers from its own place when they sit in
# the usual spot relative to LIBDIR/cmake/ZeroMQ, so a moved prefix works
cmake_includedir := $(if $(filter $(prefix_abs)/include,$(includedir_abs)),$(if $(filter $(prefix_abs)/lib,$(libdir_abs)),$${CMAKE_CURRENT_LIST_DIR}/../../../include,$(includedir_abs)),$(includedir_abs))

# libzmq 4.3.5's library file name (libtool's current 7, revision 5, age 2)
SO_VERSION := 5.2.5
VERSION := 4.3.5
STAGE := $(CURDIR)/build/prefix
RELEASE_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)/release

.PHONY: build install stage demo run-demo test interop faults soak bench bench-quick clean

build:
	$(CARGO) build --release --lib

install: build
	@for f in include/zmq.h include/zmq_utils.h $(RELEASE_DIR)/libzmq.so $(RELEASE_DIR)/libzmq.a; do \
	    [[ -f $$f ]] || { echo "install: $$f is missing" >&2; exit 1; }; done
	install -d $(DESTDIR)$(libdir_abs)/pkgconfig $(DESTDIR)$(libdir_abs)/cmake/ZeroMQ \
	    $(DESTDIR)$(includedir_abs) $(DESTDIR)$(bindir_abs)
	SPLIT_DEBUG=$(SPLIT_DEBUG) scripts/install-libs.sh $(RELEASE_DIR) $(DESTDIR)$(libdir_abs) $(SO_VERSION)
	install -m 0644 include/zmq.h include/zmq_utils.h $(DESTDIR)$(includedir_abs)/
	sed -e '/^#/d' -e 's|@PREFIX@|$(prefix_abs)|' -e 's|@LIBDIR@|$(pc_libdir)|' \
	    -e 's|@INCLUDEDIR@|$(pc_includedir)|' \
	    pkgconfig/libzmq.pc.in > $(DESTDIR)$(libdir_abs)/pkgconfig/libzmq.pc
	sed -e 's|@INCLUDEDIR@|$(cmake_includedir)|' -e 's|@SO_VERSION@|$(SO_VERSION)|' \
	    -e "s|@LIBS_PRIVATE@|$$(sed -n 's/^Libs.private: *//p' pkgconfig/libzmq.pc.in | sed 's/ /;/g')|" \
	    cmake/ZeroMQConfig.cmake.in > $(DESTDIR)$(libdir_abs)/cmake/ZeroMQ/ZeroMQConfig.cmake
	sed -e 's|@VERSION@|$(VERSION)|g' -e "s|@SIZEOF_VOID_P@|$$(($$(getconf LONG_BIT) / 8))|g" \
	    cmake/ZeroMQConfigVersion.cmake.in > $(DESTDIR)$(libdir_abs)/cmake/ZeroMQ/ZeroMQConfigVersion.cmake
	sed -e "s|@BIN_TO_LIBDIR@|$$(realpath -m --relative-to=$(bindir_abs) $(libdir_abs))|" \
	    scripts/zmq-oxide-run.in > $(DESTDIR)$(bindir_abs)/zmq-oxide-run
	chmod 0755 $(DESTDIR)$(bindir_abs)/zmq-oxide-run
	@echo "installed zmq-oxide into $(DESTDIR)$(prefix_abs)"

# install into the staging prefix used by `make demo` and `make test`
stage:
	@$(MAKE) --no-print-directory install PREFIX=$(STAGE) LIBDIR=$(STAGE)/lib \
	    INCLUDEDIR=$(STAGE)/include BINDIR=$(STAGE)/bin DESTDIR=

demo:
	@echo "=== set-up: Debian packages ==="
	@scripts/setup.sh demo
	@echo "=== build and install into build/prefix ==="
	@$(MAKE) --no-print-directory stage
	@$(MAKE) --no-print-directory run-demo

# compile capi-tests/demo.c against the staged library, the way a user would
run-demo:
	@echo "=== demo: capi-tests/demo.c built with pkg-config against build/prefix ==="
	@export PKG_CONFIG_PATH=$(STAGE)/lib/pkgconfig; \
	cmd="$(CC) -std=c99 -Wall $$(pkg-config --cflags libzmq) capi-tests/demo.c -o build/demo $$(pkg-config --libs libzmq) -Wl,-rpath,$(STAGE)/lib"; \
	echo "$$cmd"; $$cmd
	timeout 60 build/demo

test:
	@MAKE="$(MAKE)" CARGO="$(CARGO)" STAGE="$(STAGE)" scripts/test.sh

# Side-by-side benchmark against Debian's libzmq (perf/README.md): the full
# run takes ~5 minutes on 2 cores; bench-quick is a 15-second smoke run.
bench: stage
	scripts/setup.sh bench
	perf/run.sh

bench-quick: stage
	scripts/setup.sh bench
	perf/run.sh --quick

interop: stage
	timeout -k 5 240 interop/run.sh $(STAGE)/lib

# network namespaces, veth pairs and tc: needs root (and gcc, libzmq3-dev)
faults: stage
	scripts/setup.sh test
	timeout -k 10 3600 faults/run.sh --runs 3 --lib $(STAGE)/lib --doc docs/faults.md

SOAK_SECONDS ?= 3600
soak: stage
	scripts/setup.sh test
	faults/soak.sh $(SOAK_SECONDS) $(STAGE)/lib

# Everything a build or test run leaves in the tree. Cargo's target/ goes
# too; a CARGO_TARGET_DIR set from outside is left alone (it may be shared).
# Kept: tests-py/attacks/results/, where people save runs by hand (--save).
clean:
	rm -rf build interop/build target fuzz/target fuzz/artifacts fuzz/coverage \
	    fuzz/Cargo.lock
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
