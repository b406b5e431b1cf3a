#ifndef CDKIMSCAN_H
#define CDKIMSCAN_H

#include <stddef.h>
#include <stdint.h>

/// Scans of message octets for DKIM (RFC 6376) with x86-64 AVX2 or AVX-512, chosen at run time. Every function here
/// has a portable counterpart in the DKIM target (Swift, sixteen octets at a time); tests compare them on seeded random
/// input. Off x86-64, or on a CPU without AVX2, `cdkim_has_avx2` is 0 and nothing else may be called; without AVX-512
/// F, BW and VBMI2, `cdkim_has_avx512_vbmi2` is 0 and the AVX-512 functions may not be called.

/// 1 when this CPU runs the AVX2 functions below (AVX2 with POPCNT and BMI1, which every AVX2 CPU has), 0 otherwise.
int cdkim_has_avx2(void);

/// Relaxed body canonicalization (RFC 6376 §3.4.4) of whole 32-octet chunks of `input`: every WSP becomes SP, and a
/// WSP followed by WSP or by CRLF is left out. Chunks are taken from the start while two octets after the chunk can be
/// read too (offset + 34 <= count) and 32 more octets fit in `out` (written + 32 <= capacity; a chunk's store may
/// write all 32). Returns how many octets of `input` were read (a multiple of 32); `*written` is how many were kept.
/// On the way, `*bareLineFeed` is set to 1 when an LF at offset 2 to (read + 1) has no CR before it (it is left as it
/// is otherwise), so a body is looked at for bare LF in the same pass.
size_t cdkim_relaxed_chunks_avx2(const uint8_t *input, size_t count, uint8_t *out, size_t capacity, size_t *written,
                                 int *bareLineFeed);

/// 1 when this CPU runs the AVX-512 functions below (AVX-512 F, BW and VBMI2, BMI2, and AVX2), 0 otherwise.
int cdkim_has_avx512_vbmi2(void);

/// `cdkim_relaxed_chunks_avx2` with 64-octet chunks (offset + 66 <= count, written + 64 <= capacity): the kept octets
/// of each chunk closed up with VPCOMPRESSB.
size_t cdkim_relaxed_chunks_avx512(const uint8_t *input, size_t count, uint8_t *out, size_t capacity, size_t *written,
                                   int *bareLineFeed);

/// Relaxed header canonicalization (RFC 6376 §3.4.2) of the value octets `input[0..<count]`, written at `out` (room for
/// `count` octets; nothing past what is kept is written, nothing past `count` read): CR and LF left out (unfolded),
/// every tab made SP, and a WSP kept only when the octet before it (CR and LF aside) is content, not WSP.
/// `*afterContent` says that of the octet before `input` on entry (0 at the start of a value: leading WSP goes) and of
/// the last octet on return. Returns how many octets were written. A final SP is the caller's to drop.
size_t cdkim_relaxed_value_avx512(const uint8_t *input, size_t count, uint8_t *out, int *afterContent);

/// 1 when an LF of `input[0..<count]` is not preceded by CR (an LF at offset 0 counts), 0 otherwise.
int cdkim_has_bare_line_feed_avx2(const uint8_t *input, size_t count);

/// Base64 decoding (RFC 4648 §4) of whole 32-character chunks of `input`, from the start, while a chunk holds only
/// alphabet characters (no `=`, no white space): each chunk's 24 octets go to `out`, which must have room for 4 more
/// past the last. Returns how many characters were read (a multiple of 32); the decoded octets are 3/4 of that.
size_t cdkim_base64_chunks_avx2(const uint8_t *input, size_t count, uint8_t *out);

#endif
