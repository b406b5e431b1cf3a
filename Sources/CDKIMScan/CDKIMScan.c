#include "CDKIMScan.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

int cdkim_has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi");
}

/// For each byte mask of dropped octets (bit k: octet k dropped), the PSHUFB pattern that moves the kept octets of
/// eight to the front, in order; 0x80 (zero) fills the rest. Generated: kept indices, then 0x80s, little-endian.
static const uint64_t compaction[256] = {
    0x0706050403020100ULL, 0x8007060504030201ULL, 0x8007060504030200ULL, 0x8080070605040302ULL,
    0x8007060504030100ULL, 0x8080070605040301ULL, 0x8080070605040300ULL, 0x8080800706050403ULL,
    0x8007060504020100ULL, 0x8080070605040201ULL, 0x8080070605040200ULL, 0x8080800706050402ULL,
    0x8080070605040100ULL, 0x8080800706050401ULL, 0x8080800706050400ULL, 0x8080808007060504ULL,
    0x8007060503020100ULL, 0x8080070605030201ULL, 0x8080070605030200ULL, 0x8080800706050302ULL,
    0x8080070605030100ULL, 0x8080800706050301ULL, 0x8080800706050300ULL, 0x8080808007060503ULL,
    0x8080070605020100ULL, 0x8080800706050201ULL, 0x8080800706050200ULL, 0x8080808007060502ULL,
    0x8080800706050100ULL, 0x8080808007060501ULL, 0x8080808007060500ULL, 0x8080808080070605ULL,
    0x8007060403020100ULL, 0x8080070604030201ULL, 0x8080070604030200ULL, 0x8080800706040302ULL,
    0x8080070604030100ULL, 0x8080800706040301ULL, 0x8080800706040300ULL, 0x8080808007060403ULL,
    0x8080070604020100ULL, 0x8080800706040201ULL, 0x8080800706040200ULL, 0x8080808007060402ULL,
    0x8080800706040100ULL, 0x8080808007060401ULL, 0x8080808007060400ULL, 0x8080808080070604ULL,
    0x8080070603020100ULL, 0x8080800706030201ULL, 0x8080800706030200ULL, 0x8080808007060302ULL,
    0x8080800706030100ULL, 0x8080808007060301ULL, 0x8080808007060300ULL, 0x8080808080070603ULL,
    0x8080800706020100ULL, 0x8080808007060201ULL, 0x8080808007060200ULL, 0x8080808080070602ULL,
    0x8080808007060100ULL, 0x8080808080070601ULL, 0x8080808080070600ULL, 0x8080808080800706ULL,
    0x8007050403020100ULL, 0x8080070504030201ULL, 0x8080070504030200ULL, 0x8080800705040302ULL,
    0x8080070504030100ULL, 0x8080800705040301ULL, 0x8080800705040300ULL, 0x8080808007050403ULL,
    0x8080070504020100ULL, 0x8080800705040201ULL, 0x8080800705040200ULL, 0x8080808007050402ULL,
    0x8080800705040100ULL, 0x8080808007050401ULL, 0x8080808007050400ULL, 0x8080808080070504ULL,
    0x8080070503020100ULL, 0x8080800705030201ULL, 0x8080800705030200ULL, 0x8080808007050302ULL,
    0x8080800705030100ULL, 0x8080808007050301ULL, 0x8080808007050300ULL, 0x8080808080070503ULL,
    0x8080800705020100ULL, 0x8080808007050201ULL, 0x8080808007050200ULL, 0x8080808080070502ULL,
    0x8080808007050100ULL, 0x8080808080070501ULL, 0x8080808080070500ULL, 0x8080808080800705ULL,
    0x8080070403020100ULL, 0x8080800704030201ULL, 0x8080800704030200ULL, 0x8080808007040302ULL,
    0x8080800704030100ULL, 0x8080808007040301ULL, 0x8080808007040300ULL, 0x8080808080070403ULL,
    0x8080800704020100ULL, 0x8080808007040201ULL, 0x8080808007040200ULL, 0x8080808080070402ULL,
    0x8080808007040100ULL, 0x8080808080070401ULL, 0x8080808080070400ULL, 0x8080808080800704ULL,
    0x8080800703020100ULL, 0x8080808007030201ULL, 0x8080808007030200ULL, 0x8080808080070302ULL,
    0x8080808007030100ULL, 0x8080808080070301ULL, 0x8080808080070300ULL, 0x8080808080800703ULL,
    0x8080808007020100ULL, 0x8080808080070201ULL, 0x8080808080070200ULL, 0x8080808080800702ULL,
    0x8080808080070100ULL, 0x8080808080800701ULL, 0x8080808080800700ULL, 0x8080808080808007ULL,
    0x8006050403020100ULL, 0x8080060504030201ULL, 0x8080060504030200ULL, 0x8080800605040302ULL,
    0x8080060504030100ULL, 0x8080800605040301ULL, 0x8080800605040300ULL, 0x8080808006050403ULL,
    0x8080060504020100ULL, 0x8080800605040201ULL, 0x8080800605040200ULL, 0x8080808006050402ULL,
    0x8080800605040100ULL, 0x8080808006050401ULL, 0x8080808006050400ULL, 0x8080808080060504ULL,
    0x8080060503020100ULL, 0x8080800605030201ULL, 0x8080800605030200ULL, 0x8080808006050302ULL,
    0x8080800605030100ULL, 0x8080808006050301ULL, 0x8080808006050300ULL, 0x8080808080060503ULL,
    0x8080800605020100ULL, 0x8080808006050201ULL, 0x8080808006050200ULL, 0x8080808080060502ULL,
    0x8080808006050100ULL, 0x8080808080060501ULL, 0x8080808080060500ULL, 0x8080808080800605ULL,
    0x8080060403020100ULL, 0x8080800604030201ULL, 0x8080800604030200ULL, 0x8080808006040302ULL,
    0x8080800604030100ULL, 0x8080808006040301ULL, 0x8080808006040300ULL, 0x8080808080060403ULL,
    0x8080800604020100ULL, 0x8080808006040201ULL, 0x8080808006040200ULL, 0x8080808080060402ULL,
    0x8080808006040100ULL, 0x8080808080060401ULL, 0x8080808080060400ULL, 0x8080808080800604ULL,
    0x8080800603020100ULL, 0x8080808006030201ULL, 0x8080808006030200ULL, 0x8080808080060302ULL,
    0x8080808006030100ULL, 0x8080808080060301ULL, 0x8080808080060300ULL, 0x8080808080800603ULL,
    0x8080808006020100ULL, 0x8080808080060201ULL, 0x8080808080060200ULL, 0x8080808080800602ULL,
    0x8080808080060100ULL, 0x8080808080800601ULL, 0x8080808080800600ULL, 0x8080808080808006ULL,
    0x8080050403020100ULL, 0x8080800504030201ULL, 0x8080800504030200ULL, 0x8080808005040302ULL,
    0x8080800504030100ULL, 0x8080808005040301ULL, 0x8080808005040300ULL, 0x8080808080050403ULL,
    0x8080800504020100ULL, 0x8080808005040201ULL, 0x8080808005040200ULL, 0x8080808080050402ULL,
    0x8080808005040100ULL, 0x8080808080050401ULL, 0x8080808080050400ULL, 0x8080808080800504ULL,
    0x8080800503020100ULL, 0x8080808005030201ULL, 0x8080808005030200ULL, 0x8080808080050302ULL,
    0x8080808005030100ULL, 0x8080808080050301ULL, 0x8080808080050300ULL, 0x8080808080800503ULL,
    0x8080808005020100ULL, 0x8080808080050201ULL, 0x8080808080050200ULL, 0x8080808080800502ULL,
    0x8080808080050100ULL, 0x8080808080800501ULL, 0x8080808080800500ULL, 0x8080808080808005ULL,
    0x8080800403020100ULL, 0x8080808004030201ULL, 0x8080808004030200ULL, 0x8080808080040302ULL,
    0x8080808004030100ULL, 0x8080808080040301ULL, 0x8080808080040300ULL, 0x8080808080800403ULL,
    0x8080808004020100ULL, 0x8080808080040201ULL, 0x8080808080040200ULL, 0x8080808080800402ULL,
    0x8080808080040100ULL, 0x8080808080800401ULL, 0x8080808080800400ULL, 0x8080808080808004ULL,
    0x8080808003020100ULL, 0x8080808080030201ULL, 0x8080808080030200ULL, 0x8080808080800302ULL,
    0x8080808080030100ULL, 0x8080808080800301ULL, 0x8080808080800300ULL, 0x8080808080808003ULL,
    0x8080808080020100ULL, 0x8080808080800201ULL, 0x8080808080800200ULL, 0x8080808080808002ULL,
    0x8080808080800100ULL, 0x8080808080808001ULL, 0x8080808080808000ULL, 0x8080808080808080ULL,
};

#define AVX2 __attribute__((target("avx2,popcnt,bmi")))
#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt,bmi2")))

int cdkim_has_avx512_vbmi2(void) {
    __builtin_cpu_init();
    return cdkim_has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("bmi2");
}

AVX2 size_t cdkim_relaxed_chunks_avx2(const uint8_t *input, size_t count, uint8_t *out, size_t capacity, size_t *written,
                                      int *bareLineFeed) {
    const __m256i space = _mm256_set1_epi8(' '), tab = _mm256_set1_epi8('\t');
    const __m256i cr = _mm256_set1_epi8('\r'), lf = _mm256_set1_epi8('\n');
    const uint64_t secondHalf = 0x0808080808080808ULL;  // PSHUFB indexes each 16-octet lane from its own start
    size_t i = 0, w = 0;
    __m256i bare = _mm256_setzero_si256();
    while (i + 34 <= count && w + 32 <= capacity) {
        __m256i chunk = _mm256_loadu_si256((const __m256i *)(input + i));
        __m256i next = _mm256_loadu_si256((const __m256i *)(input + i + 1));
        __m256i afterNext = _mm256_loadu_si256((const __m256i *)(input + i + 2));
        __m256i tabs = _mm256_cmpeq_epi8(chunk, tab);
        __m256i wsp = _mm256_or_si256(_mm256_cmpeq_epi8(chunk, space), tabs);
        __m256i nextCR = _mm256_cmpeq_epi8(next, cr), afterNextLF = _mm256_cmpeq_epi8(afterNext, lf);
        __m256i followers = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(next, space), _mm256_cmpeq_epi8(next, tab)),
                                            _mm256_and_si256(nextCR, afterNextLF));
        __m256i dropped = _mm256_and_si256(wsp, followers);
        bare = _mm256_or_si256(bare, _mm256_andnot_si256(nextCR, afterNextLF));  // an LF at i + 2 ... i + 33 without a CR before it
        uint32_t drops = (uint32_t)_mm256_movemask_epi8(dropped);
        int noTabs = _mm256_testz_si256(tabs, tabs);
        if (noTabs && drops == 0) {
            _mm256_storeu_si256((__m256i *)(out + w), chunk);
            w += 32;
        } else if (noTabs && __builtin_popcount(drops) <= 3 && i + 64 <= count && w + 64 <= capacity) {
            // A few dropped spaces (text has a double space now and then): the chunk as it is, then what follows each
            // dropped octet stored again one place further down, from the input. The octets stored past the chunk's
            // end are written over by the next chunk, or lie past `written`.
            _mm256_storeu_si256((__m256i *)(out + w), chunk);
            size_t shift = 0;
            while (drops != 0) {
                size_t at = (size_t)__builtin_ctz(drops);
                drops &= drops - 1;
                _mm256_storeu_si256((__m256i *)(out + w + at - shift), _mm256_loadu_si256((const __m256i *)(input + i + at + 1)));
                shift += 1;
            }
            w += 32 - shift;
        } else {
            __m256i spaced = _mm256_blendv_epi8(chunk, space, tabs);
            __m256i pattern = _mm256_set_epi64x((long long)(compaction[drops >> 24] + secondHalf), (long long)compaction[(drops >> 16) & 0xFF],
                                                (long long)(compaction[(drops >> 8) & 0xFF] + secondHalf), (long long)compaction[drops & 0xFF]);
            __m256i packed = _mm256_shuffle_epi8(spaced, pattern);
            __m128i low = _mm256_castsi256_si128(packed), high = _mm256_extracti128_si256(packed, 1);
            _mm_storel_epi64((__m128i *)(out + w), low);
            w += 8 - (size_t)__builtin_popcount(drops & 0xFF);
            _mm_storeh_pd((double *)(out + w), _mm_castsi128_pd(low));
            w += 8 - (size_t)__builtin_popcount((drops >> 8) & 0xFF);
            _mm_storel_epi64((__m128i *)(out + w), high);
            w += 8 - (size_t)__builtin_popcount((drops >> 16) & 0xFF);
            _mm_storeh_pd((double *)(out + w), _mm_castsi128_pd(high));
            w += 8 - (size_t)__builtin_popcount(drops >> 24);
        }
        i += 32;
    }
    *written = w;
    if (!_mm256_testz_si256(bare, bare)) *bareLineFeed = 1;
    return i;
}

AVX512 size_t cdkim_relaxed_chunks_avx512(const uint8_t *input, size_t count, uint8_t *out, size_t capacity, size_t *written,
                                          int *bareLineFeed) {
    const __m512i space = _mm512_set1_epi8(' '), tab = _mm512_set1_epi8('\t');
    const __m512i cr = _mm512_set1_epi8('\r'), lf = _mm512_set1_epi8('\n');
    size_t i = 0, w = 0;
    uint64_t bare = 0;
    while (i + 66 <= count && w + 64 <= capacity) {
        __m512i chunk = _mm512_loadu_si512((const void *)(input + i));
        __m512i afterNext = _mm512_loadu_si512((const void *)(input + i + 2));
        // Bit k of each word: octet i + k is a tab, WSP, CR; octet i + k + 2 is an LF. What the octet after each is
        // comes from the same words one bit down, the octet after the chunk filling the top bit (mask registers are
        // few and slow on some CPUs: the words are worked on in general registers).
        __mmask64 tabs = _mm512_cmpeq_epi8_mask(chunk, tab);
        uint64_t wsp = _cvtmask64_u64(_mm512_cmpeq_epi8_mask(chunk, space)) | _cvtmask64_u64(tabs);
        uint64_t crs = _cvtmask64_u64(_mm512_cmpeq_epi8_mask(chunk, cr));
        uint64_t lfAfterNext = _cvtmask64_u64(_mm512_cmpeq_epi8_mask(afterNext, lf));
        uint8_t after = input[i + 64];
        uint64_t wspNext = wsp >> 1 | (uint64_t)(after == ' ' || after == '\t') << 63;
        uint64_t crNext = crs >> 1 | (uint64_t)(after == '\r') << 63;
        uint64_t dropped = wsp & (wspNext | (crNext & lfAfterNext));
        bare |= lfAfterNext & ~crNext;  // an LF at i + 2 ... i + 65 without a CR before it
        // The kept octets, tabs made spaces, moved to the front in order, in a register (storing compressed octets
        // straight to memory is many times slower on some CPUs); the store writes all 64. Every chunk is closed up:
        // storing a chunk with nothing to change as it is, behind a branch, made a verification take 25.7 or 26.5 us
        // from one process to the next on this CPU.
        __m512i kept = _mm512_maskz_compress_epi8(_cvtu64_mask64(~dropped), _mm512_mask_blend_epi8(tabs, chunk, space));
        _mm512_storeu_si512((void *)(out + w), kept);
        w += 64 - (size_t)__builtin_popcountll(dropped);
        i += 64;
    }
    *written = w;
    if (bare != 0) *bareLineFeed = 1;
    return i;
}

AVX512 size_t cdkim_relaxed_value_avx512(const uint8_t *input, size_t count, uint8_t *out, int *afterContent) {
    const __m512i space = _mm512_set1_epi8(' '), tab = _mm512_set1_epi8('\t');
    const __m512i cr = _mm512_set1_epi8('\r'), lf = _mm512_set1_epi8('\n');
    uint64_t content = *afterContent != 0;
    size_t i = 0, w = 0;
    while (i < count) {
        size_t n = count - i < 64 ? count - i : 64;
        uint64_t valid = _bzhi_u64(~0ULL, (unsigned)n);
        __m512i chunk = _mm512_maskz_loadu_epi8(_cvtu64_mask64(valid), input + i);
        __mmask64 tabs = _mm512_cmpeq_epi8_mask(chunk, tab);
        uint64_t wsp = _cvtmask64_u64(_mm512_cmpeq_epi8_mask(chunk, space)) | _cvtmask64_u64(tabs);
        uint64_t lineEnds = _cvtmask64_u64(_mm512_cmpeq_epi8_mask(chunk, cr)) | _cvtmask64_u64(_mm512_cmpeq_epi8_mask(chunk, lf));
        uint64_t text = valid & ~wsp & ~lineEnds;
        // Bit p: the last octet before p that is not CR or LF is content (bit -1 is the state carried in). A content
        // octet seeds the bit after it; a seed on a run of CR and LF is carried past the run by the addition.
        uint64_t seeds = text << 1 | content;
        uint64_t afterText = seeds | (((seeds & lineEnds) + lineEnds) & ~lineEnds);
        uint64_t kept = text | (wsp & afterText);
        __m512i packed = _mm512_maskz_compress_epi8(_cvtu64_mask64(kept), _mm512_mask_blend_epi8(tabs, chunk, space));
        size_t keptCount = (size_t)__builtin_popcountll(kept);
        _mm512_mask_storeu_epi8(out + w, _cvtu64_mask64(_bzhi_u64(~0ULL, (unsigned)keptCount)), packed);
        w += keptCount;
        uint64_t notLineEnds = valid & ~lineEnds;
        if (notLineEnds != 0) content = (text >> (63 - __builtin_clzll(notLineEnds))) & 1;
        i += n;
    }
    *afterContent = (int)content;
    return w;
}

AVX2 int cdkim_has_bare_line_feed_avx2(const uint8_t *input, size_t count) {
    if (count == 0) return 0;
    const __m256i cr = _mm256_set1_epi8('\r'), lf = _mm256_set1_epi8('\n');
    int bare = input[0] == '\n';
    __m256i found = _mm256_setzero_si256();
    size_t i = 1;
    for (; i + 64 <= count; i += 64) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(input + i)), b = _mm256_loadu_si256((const __m256i *)(input + i + 32));
        __m256i beforeA = _mm256_loadu_si256((const __m256i *)(input + i - 1)), beforeB = _mm256_loadu_si256((const __m256i *)(input + i + 31));
        found = _mm256_or_si256(found, _mm256_andnot_si256(_mm256_cmpeq_epi8(beforeA, cr), _mm256_cmpeq_epi8(a, lf)));
        found = _mm256_or_si256(found, _mm256_andnot_si256(_mm256_cmpeq_epi8(beforeB, cr), _mm256_cmpeq_epi8(b, lf)));
    }
    for (; i < count; i++) bare |= input[i] == '\n' && input[i - 1] != '\r';
    return bare || !_mm256_testz_si256(found, found);
}

/// Base64 decoding after Wojciech Mula's method: two PSHUFB look-ups by nibble classify each character (a byte outside
/// the alphabet has a class bit in both), a third gives the offset from character to sextet ('/' told apart from '+'
/// by one comparison), then PMADDUBSW and PMADDWD join four sextets into three octets and PSHUFB packs them.
AVX2 size_t cdkim_base64_chunks_avx2(const uint8_t *input, size_t count, uint8_t *out) {
    const __m256i lowNibbleClasses = _mm256_setr_epi8(
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A,
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
    const __m256i highNibbleClasses = _mm256_setr_epi8(
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    const __m256i offsets = _mm256_setr_epi8(
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i slash = _mm256_set1_epi8('/'), nibble = _mm256_set1_epi8(0x0F);
    const __m256i pack = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
                                          2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    size_t i = 0, w = 0;
    while (i + 32 <= count) {
        __m256i chunk = _mm256_loadu_si256((const __m256i *)(input + i));
        __m256i high = _mm256_and_si256(_mm256_srli_epi32(chunk, 4), nibble);
        __m256i low = _mm256_and_si256(chunk, nibble);
        __m256i classes = _mm256_and_si256(_mm256_shuffle_epi8(lowNibbleClasses, low), _mm256_shuffle_epi8(highNibbleClasses, high));
        if (!_mm256_testz_si256(classes, classes)) break;  // a character outside the alphabet
        __m256i offset = _mm256_shuffle_epi8(offsets, _mm256_add_epi8(_mm256_cmpeq_epi8(chunk, slash), high));
        __m256i sextets = _mm256_add_epi8(chunk, offset);
        __m256i pairs = _mm256_maddubs_epi16(sextets, _mm256_set1_epi32(0x01400140));
        __m256i words = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00011000));
        __m256i packed = _mm256_shuffle_epi8(words, pack);
        _mm_storeu_si128((__m128i *)(out + w), _mm256_castsi256_si128(packed));
        _mm_storeu_si128((__m128i *)(out + w + 12), _mm256_extracti128_si256(packed, 1));
        w += 24;
        i += 32;
    }
    return i;
}
#else

int cdkim_has_avx2(void) { return 0; }

size_t cdkim_relaxed_chunks_avx2(const uint8_t *input, size_t count, uint8_t *out, size_t capacity, size_t *written,
                                 int *bareLineFeed) {
    (void)input; (void)count; (void)out; (void)capacity; (void)bareLineFeed;
    *written = 0;
    return 0;
}

int cdkim_has_avx512_vbmi2(void) { return 0; }

size_t cdkim_relaxed_chunks_avx512(const uint8_t *input, size_t count, uint8_t *out, size_t capacity, size_t *written,
                                   int *bareLineFeed) {
    (void)input; (void)count; (void)out; (void)capacity; (void)bareLineFeed;
    *written = 0;
    return 0;
}

size_t cdkim_relaxed_value_avx512(const uint8_t *input, size_t count, uint8_t *out, int *afterContent) {
    (void)input; (void)count; (void)out; (void)afterContent;
    return 0;
}

int cdkim_has_bare_line_feed_avx2(const uint8_t *input, size_t count) {
    (void)input; (void)count;
    return 0;
}

size_t cdkim_base64_chunks_avx2(const uint8_t *input, size_t count, uint8_t *out) {
    (void)input; (void)count; (void)out;
    return 0;
}

#endif
