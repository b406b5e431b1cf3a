# Stockade: the two commands of the README.
#   make run   install what the server needs, build, start `stockade serve` with the demo configuration
#   make test  install what the tests need, start the lab, run the whole suite, stop the lab
SWIFT ?= swift
CONFIG ?= config/demo.json

.PHONY: run test build lab-up lab-down

run:
	scripts/install-deps.sh run
	$(SWIFT) build --product stockade
	$$($(SWIFT) build --show-bin-path)/stockade serve --config $(CONFIG)

test:
	scripts/install-deps.sh test
	scripts/test.sh

build:
	$(SWIFT) build

lab-up:
	lab/lab.sh up

lab-down:
	lab/lab.sh down
