#ifndef STOCKADE_CLIBFUZZER_H
#define STOCKADE_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver for programs with their own `main` (compiler-rt `FuzzerInterface.h`): parses the libFuzzer
/// flags in `argv` and calls `callback` with each input. Defined in `libclang_rt.fuzzer_no_main`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
