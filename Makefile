# Stockade: the two commands of the README.
#   make run   install what the server needs, build, start `stockade serve` with the demo configuration
#   make test  install what the tests need, start the lab, run the whole suite, stop the lab
SWIFT ?= swift
CONFIG ?= config/demo.json

PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: run test build install lab-up lab-down

run:
	scripts/install-deps.sh run
	$(SWIFT) build --product stockade
	$$($(SWIFT) build --show-bin-path)/stockade serve --config $(CONFIG)

test:
	scripts/install-deps.sh test
	scripts/test.sh

build:
	$(SWIFT) build

# A release build installed under $(DESTDIR)$(PREFIX): bin/stockade with, next to it, the page templates in SwiftPM's
# resource bundle bin/Stockade_StockadeServer.resources (where the binary's Bundle.module looks), the README, and the
# systemd unit (with its paths rewritten to PREFIX) in $(DESTDIR)/etc/systemd/system. Enabling the service is left to
# the operator.
RESOURCES = Stockade_StockadeServer.resources

install:
	$(SWIFT) build -c release --product stockade
	install -m 0755 -D "$$($(SWIFT) build -c release --show-bin-path)/stockade" "$(DESTDIR)$(PREFIX)/bin/stockade"
	rm -rf "$(DESTDIR)$(PREFIX)/bin/$(RESOURCES)"
	cp -R "$$($(SWIFT) build -c release --show-bin-path)/$(RESOURCES)" "$(DESTDIR)$(PREFIX)/bin/$(RESOURCES)"
	chmod -R u=rwX,go=rX "$(DESTDIR)$(PREFIX)/bin/$(RESOURCES)"
	install -m 0644 -D README.md "$(DESTDIR)$(PREFIX)/share/doc/stockade/README.md"
	install -m 0644 -D docs/security.md "$(DESTDIR)$(PREFIX)/share/doc/stockade/security.md"
	sed 's|/usr/local|$(PREFIX)|g' contrib/systemd/stockade.service > stockade.service.tmp
	install -m 0644 -D stockade.service.tmp "$(DESTDIR)/etc/systemd/system/stockade.service"
	rm -f stockade.service.tmp

lab-up:
	lab/lab.sh up

lab-down:
	lab/lab.sh down

# libFuzzer harnesses of the parsers of outside input (Fuzz/, docs/fuzzing.md): each FUZZ_RUNS times (default 1 000 000),
# growing Fuzz/.corpus/ from the committed seeds. `make fuzz-short` is CI's pass after `make test` (.ci/run): the
# instrumented build (about 10 minutes cold on 2 cores) and 100 000 runs of each harness, kept out of `make test` so
# that stays within its 30 minutes.
.PHONY: fuzz fuzz-short
fuzz:
	scripts/fuzz.sh run

fuzz-short:
	scripts/fuzz.sh short
