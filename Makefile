# oktadetect — the two commands that matter:
#   go run ./cmd/oktadetect demo     run the detector on an embedded Kafka
#   make test                        run every test, the real-Kafka suite included
.POSIX:
.SUFFIXES:

GO       ?= go
KAFKA    := deploy/dev/kafka
BENCHOUT ?= bench/results

.PHONY: test check unit kafka-test bench demo build clean

## test: static checks, unit and in-process (kfake) tests, then the suite
## against real Apache Kafka (started with deploy/dev/kafka unless
## KAFKA_BROKERS points at one). CI runs exactly this.
test: check unit kafka-test

check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	 if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

unit:
	env -u KAFKA_BROKERS $(GO) test -count=1 ./...
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 20x ./bench ./dedupe ./detect/...

## kafka-test: the real-broker suite. It needs kcat for the interop test
## (installed from Debian's packages when missing and possible).
kafka-test:
	@command -v kcat >/dev/null 2>&1 || { \
	  echo "installing kcat (Debian package) for the interop test"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq kcat >/dev/null 2>&1 || (apt-get update -qq >/dev/null && apt-get install -y -qq kcat >/dev/null); \
	  else sudo -n apt-get install -y -qq kcat >/dev/null 2>&1 || echo "kcat unavailable: the interop test will fail"; fi; }
	@set -e; started=""; \
	 if [ -z "$${KAFKA_BROKERS:-}" ]; then \
	   $(KAFKA) start >/dev/null; started=1; \
	   eval "$$($(KAFKA) env)"; \
	 fi; \
	 trap '[ -n "$$started" ] && $(KAFKA) stop' EXIT; \
	 echo "real-Kafka suite against $$KAFKA_BROKERS (Kafka $${KAFKA_VERSION:-?})"; \
	 OKTADETECT_REAL_KAFKA=1 $(GO) test -count=1 -timeout 15m -run 'RealKafka' ./stream/... ./bench/e2e/... ./cmd/...

## bench: the full benchmark set, compared with the previous run by
## benchstat (golang.org/x/perf); regressions are printed.
bench:
	@mkdir -p $(BENCHOUT)
	@[ -f $(BENCHOUT)/new.txt ] && mv $(BENCHOUT)/new.txt $(BENCHOUT)/old.txt || true
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./bench ./dedupe | tee $(BENCHOUT)/new.txt
	@if [ -f $(BENCHOUT)/old.txt ]; then \
	  $(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da $(BENCHOUT)/old.txt $(BENCHOUT)/new.txt | tee $(BENCHOUT)/benchstat.txt; \
	  awk '/sec\/op/ {t=1} /^$$/ {t=0} t && match($$0, /\+[0-9.]+%/) { v=substr($$0, RSTART+1, RLENGTH-2); if (v+0 >= 5) print "REGRESSION (time, >= 5% slower): " $$0 }' $(BENCHOUT)/benchstat.txt; \
	else echo "first run: results in $(BENCHOUT)/new.txt; run make bench again to compare"; fi

demo:
	$(GO) run ./cmd/oktadetect demo

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o oktadetect ./cmd/oktadetect

clean:
	rm -f oktadetect
	$(KAFKA) stop
