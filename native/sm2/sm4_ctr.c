/*
 * SM4-CTR (GB/T 32907-2016; CTR as OpenSSL's: the 16-byte IV is a big-endian 128-bit counter) on
 * x86-64 with GFNI and AVX2 (16 blocks at a time) or AVX-512F/BW (32 at a time, chosen at load
 * when the CPU and OS have it; GONGZHI_SM4_AVX512=0 keeps AVX2), for datashare deliveries on SM2 chains.
 *
 * Why: OpenSSL's SM4 (Node's bundled one and the system's alike, both 3.0) is a table-driven C
 * loop at about 115 MB/s of CPU time here, and a delivery runs SM4 twice per byte (owner and
 * grantee), so SM4 alone was most of the gap to an HTTPS copy (AES with AES-NI runs at GB/s).
 *
 * How: the SM4 S-box is affine-equivalent to inversion in GF(2^8), S(x) = A·I(A·x + C) + C with
 * I the inverse modulo x^8+x^7+x^6+x^5+x^4+x^2+1. Mapping that field onto AES's (the one GFNI's
 * inverse uses) by the isomorphism x -> 0x23 folds into the two affine steps, so S(x) is two GFNI
 * instructions on 32 bytes at once: GF2P8AFFINEQB(M1, 0x3e) then GF2P8AFFINEINVQB(M2, 0xd3).
 * The 16 blocks are transposed so each register holds one 32-bit word of 8 blocks; the linear
 * layer L is then shifts and byte shuffles. There are no secret-indexed table lookups in the data
 * path (OpenSSL's table-driven SM4 has them), only in the key schedule, once per key.
 *
 * Checked before use by src/crypto/sm4-ctr.ts against node:crypto's SM4-CTR and the standard's
 * example; `sm4CtrWhyNot()` says why it is not available (other CPU, no GFNI, not x86-64), and
 * the TypeScript side then uses node:crypto.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* GFNI intrinsics need GCC 9 / clang 7 or later; an older compiler builds the rest of the addon
   and this file only answers "unavailable" (so the SM2 verifier is not lost with it). */
#if defined(__x86_64__) && ((defined(__clang__) && __clang_major__ >= 7) || \
                            (!defined(__clang__) && defined(__GNUC__) && __GNUC__ >= 9))
#define GZ_SM4_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint8_t SBOX[256] = {
    0xd6, 0x90, 0xe9, 0xfe, 0xcc, 0xe1, 0x3d, 0xb7, 0x16, 0xb6, 0x14, 0xc2, 0x28, 0xfb, 0x2c, 0x05,
    0x2b, 0x67, 0x9a, 0x76, 0x2a, 0xbe, 0x04, 0xc3, 0xaa, 0x44, 0x13, 0x26, 0x49, 0x86, 0x06, 0x99,
    0x9c, 0x42, 0x50, 0xf4, 0x91, 0xef, 0x98, 0x7a, 0x33, 0x54, 0x0b, 0x43, 0xed, 0xcf, 0xac, 0x62,
    0xe4, 0xb3, 0x1c, 0xa9, 0xc9, 0x08, 0xe8, 0x95, 0x80, 0xdf, 0x94, 0xfa, 0x75, 0x8f, 0x3f, 0xa6,
    0x47, 0x07, 0xa7, 0xfc, 0xf3, 0x73, 0x17, 0xba, 0x83, 0x59, 0x3c, 0x19, 0xe6, 0x85, 0x4f, 0xa8,
    0x68, 0x6b, 0x81, 0xb2, 0x71, 0x64, 0xda, 0x8b, 0xf8, 0xeb, 0x0f, 0x4b, 0x70, 0x56, 0x9d, 0x35,
    0x1e, 0x24, 0x0e, 0x5e, 0x63, 0x58, 0xd1, 0xa2, 0x25, 0x22, 0x7c, 0x3b, 0x01, 0x21, 0x78, 0x87,
    0xd4, 0x00, 0x46, 0x57, 0x9f, 0xd3, 0x27, 0x52, 0x4c, 0x36, 0x02, 0xe7, 0xa0, 0xc4, 0xc8, 0x9e,
    0xea, 0xbf, 0x8a, 0xd2, 0x40, 0xc7, 0x38, 0xb5, 0xa3, 0xf7, 0xf2, 0xce, 0xf9, 0x61, 0x15, 0xa1,
    0xe0, 0xae, 0x5d, 0xa4, 0x9b, 0x34, 0x1a, 0x55, 0xad, 0x93, 0x32, 0x30, 0xf5, 0x8c, 0xb1, 0xe3,
    0x1d, 0xf6, 0xe2, 0x2e, 0x82, 0x66, 0xca, 0x60, 0xc0, 0x29, 0x23, 0xab, 0x0d, 0x53, 0x4e, 0x6f,
    0xd5, 0xdb, 0x37, 0x45, 0xde, 0xfd, 0x8e, 0x2f, 0x03, 0xff, 0x6a, 0x72, 0x6d, 0x6c, 0x5b, 0x51,
    0x8d, 0x1b, 0xaf, 0x92, 0xbb, 0xdd, 0xbc, 0x7f, 0x11, 0xd9, 0x5c, 0x41, 0x1f, 0x10, 0x5a, 0xd8,
    0x0a, 0xc1, 0x31, 0x88, 0xa5, 0xcd, 0x7b, 0xbd, 0x2d, 0x74, 0xd0, 0x12, 0xb8, 0xe5, 0xb4, 0xb0,
    0x89, 0x69, 0x97, 0x4a, 0x0c, 0x96, 0x77, 0x7e, 0x65, 0xb9, 0xf1, 0x09, 0xc5, 0x6e, 0xc6, 0x84,
    0x18, 0xf0, 0x7d, 0xec, 0x3a, 0xdc, 0x4d, 0x20, 0x79, 0xee, 0x5f, 0x3e, 0xd7, 0xcb, 0x39, 0x48};

/* Key-stream blocks made per call: one 32-block AVX-512 pass, or two 16-block AVX2 ones. */
#define BATCH 32
#define BATCH_BYTES (16 * BATCH)

typedef struct {
  uint32_t rk[32];
  uint64_t hi, lo; /* the next counter block */
  uint8_t ks[BATCH_BYTES];
  size_t used; /* bytes of ks already used; BATCH_BYTES when none is left */
} sm4_ctr;

static uint32_t rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static uint32_t load_be32(const uint8_t *b) {
  return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static void key_schedule(const uint8_t key[16], uint32_t rk[32]) {
  static const uint32_t FK[4] = {0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc};
  uint32_t k[36];
  int i;
  for (i = 0; i < 4; i++) k[i] = load_be32(key + 4 * i) ^ FK[i];
  for (i = 0; i < 32; i++) {
    uint32_t ck = 0, t, b;
    int j;
    for (j = 0; j < 4; j++) ck = (ck << 8) | (uint32_t)(((4 * i + j) * 7) & 0xff);
    t = k[i + 1] ^ k[i + 2] ^ k[i + 3] ^ ck;
    b = ((uint32_t)SBOX[t >> 24] << 24) | ((uint32_t)SBOX[(t >> 16) & 0xff] << 16) |
        ((uint32_t)SBOX[(t >> 8) & 0xff] << 8) | SBOX[t & 0xff];
    k[i + 4] = k[i] ^ b ^ rotl(b, 13) ^ rotl(b, 23);
    rk[i] = k[i + 4];
  }
}

#ifdef GZ_SM4_X86
#define TARGET __attribute__((target("avx2,gfni")))

/* S(x) = M2·I_aes(M1·x + 0x3e) + 0xd3 on each byte (matrices in GFNI's row order). */
#define SM4_M1 0x4c287db91a22505dLL
#define SM4_M2 0xf3ab34a974a6b589LL

TARGET static inline __m256i sbox(__m256i x) {
  const __m256i m1 = _mm256_set1_epi64x(SM4_M1);
  const __m256i m2 = _mm256_set1_epi64x(SM4_M2);
  return _mm256_gf2p8affineinv_epi64_epi8(_mm256_gf2p8affine_epi64_epi8(x, m1, 0x3e), m2, 0xd3);
}

/* L(B) = B ^ B<<<2 ^ B<<<10 ^ B<<<18 ^ B<<<24 = B ^ B<<<24 ^ (B ^ B<<<8 ^ B<<<16)<<<2. */
TARGET static inline __m256i linear(__m256i b) {
  const __m256i r8 = _mm256_setr_epi8(3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14, 3, 0, 1, 2, 7,
                                      4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
  const __m256i r16 = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6,
                                       7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
  const __m256i r24 = _mm256_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12, 1, 2, 3, 0, 5,
                                       6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12);
  __m256i t = _mm256_xor_si256(b, _mm256_xor_si256(_mm256_shuffle_epi8(b, r8), _mm256_shuffle_epi8(b, r16)));
  t = _mm256_or_si256(_mm256_slli_epi32(t, 2), _mm256_srli_epi32(t, 30));
  return _mm256_xor_si256(_mm256_xor_si256(b, _mm256_shuffle_epi8(b, r24)), t);
}

/* Transpose 4x4 dwords in each 128-bit lane (its own inverse). */
TARGET static inline void transpose(__m256i *a, __m256i *b, __m256i *c, __m256i *d) {
  __m256i t0 = _mm256_unpacklo_epi32(*a, *b), t1 = _mm256_unpacklo_epi32(*c, *d);
  __m256i t2 = _mm256_unpackhi_epi32(*a, *b), t3 = _mm256_unpackhi_epi32(*c, *d);
  *a = _mm256_unpacklo_epi64(t0, t1);
  *b = _mm256_unpackhi_epi64(t0, t1);
  *c = _mm256_unpacklo_epi64(t2, t3);
  *d = _mm256_unpackhi_epi64(t2, t3);
}

/* Encrypt 16 blocks (in: blocks[256]) into out[256]. */
TARGET static void encrypt16(const uint32_t rk[32], const uint8_t *in, uint8_t *out) {
  const __m256i bswap = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0,
                                         7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
  __m256i x[4], y[4];
  int i;
  for (i = 0; i < 4; i++) {
    x[i] = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(in + 32 * i)), bswap);
    y[i] = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(in + 128 + 32 * i)), bswap);
  }
  transpose(&x[0], &x[1], &x[2], &x[3]);
  transpose(&y[0], &y[1], &y[2], &y[3]);
#define SM4_ROUND(r, a, b1, b2, b3)                                                               \
  do {                                                                                            \
    const __m256i k = _mm256_set1_epi32((int)rk[r]);                                              \
    __m256i tx = _mm256_xor_si256(_mm256_xor_si256(x[b1], x[b2]), _mm256_xor_si256(x[b3], k));     \
    __m256i ty = _mm256_xor_si256(_mm256_xor_si256(y[b1], y[b2]), _mm256_xor_si256(y[b3], k));     \
    x[a] = _mm256_xor_si256(x[a], linear(sbox(tx)));                                              \
    y[a] = _mm256_xor_si256(y[a], linear(sbox(ty)));                                              \
  } while (0)
  /* Unrolled by four so every register index is a constant. */
  for (i = 0; i < 32; i += 4) {
    SM4_ROUND(i, 0, 1, 2, 3);
    SM4_ROUND(i + 1, 1, 2, 3, 0);
    SM4_ROUND(i + 2, 2, 3, 0, 1);
    SM4_ROUND(i + 3, 3, 0, 1, 2);
  }
#undef SM4_ROUND
  /* After 32 rounds x[0..3] = X32..X35; the output is (X35, X34, X33, X32). */
  transpose(&x[3], &x[2], &x[1], &x[0]);
  transpose(&y[3], &y[2], &y[1], &y[0]);
  for (i = 0; i < 4; i++) {
    _mm256_storeu_si256((__m256i *)(out + 32 * i), _mm256_shuffle_epi8(x[3 - i], bswap));
    _mm256_storeu_si256((__m256i *)(out + 128 + 32 * i), _mm256_shuffle_epi8(y[3 - i], bswap));
  }
}

/* 1 when the AVX-512 path is in use (set once by why_not(), before any handle exists). */
static int use_avx512 = 0;

#define TARGET512 __attribute__((target("avx512f,avx512bw,gfni")))

/*
 * The same 32 rounds on 32 blocks in ZMM registers (AVX-512F/BW + GFNI). Why a second copy: the
 * linear layer and the round input are three-way XORs and 32-bit rotations, which AVX-512 does in
 * one instruction each (VPTERNLOGD, VPROLD) where AVX2 needs shuffles, shifts and ORs — about
 * half the instructions per round. The S-box is the same two GFNI instructions on 64 bytes.
 */
TARGET512 static inline __m512i sbox512(__m512i x) {
  const __m512i m1 = _mm512_set1_epi64(SM4_M1);
  const __m512i m2 = _mm512_set1_epi64(SM4_M2);
  return _mm512_gf2p8affineinv_epi64_epi8(_mm512_gf2p8affine_epi64_epi8(x, m1, 0x3e), m2, 0xd3);
}

/* xa ^ L(s), L(B) = B ^ B<<<2 ^ B<<<10 ^ B<<<18 ^ B<<<24 (0x96: three-way XOR). */
TARGET512 static inline __m512i xor_linear512(__m512i xa, __m512i s) {
  __m512i t = _mm512_ternarylogic_epi32(xa, s, _mm512_rol_epi32(s, 2), 0x96);
  __m512i u = _mm512_ternarylogic_epi32(_mm512_rol_epi32(s, 10), _mm512_rol_epi32(s, 18),
                                        _mm512_rol_epi32(s, 24), 0x96);
  return _mm512_xor_si512(t, u);
}

TARGET512 static inline void transpose512(__m512i *a, __m512i *b, __m512i *c, __m512i *d) {
  __m512i t0 = _mm512_unpacklo_epi32(*a, *b), t1 = _mm512_unpacklo_epi32(*c, *d);
  __m512i t2 = _mm512_unpackhi_epi32(*a, *b), t3 = _mm512_unpackhi_epi32(*c, *d);
  *a = _mm512_unpacklo_epi64(t0, t1);
  *b = _mm512_unpackhi_epi64(t0, t1);
  *c = _mm512_unpacklo_epi64(t2, t3);
  *d = _mm512_unpackhi_epi64(t2, t3);
}

/* Encrypt 32 blocks (in[512]) into out[512]; the layout per 128-bit lane is encrypt16's. */
TARGET512 static void encrypt32(const uint32_t rk[32], const uint8_t *in, uint8_t *out) {
  const __m512i bswap = _mm512_broadcast_i32x4(
      _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12));
  __m512i x[4], y[4];
  int i;
  for (i = 0; i < 4; i++) {
    x[i] = _mm512_shuffle_epi8(_mm512_loadu_si512((const void *)(in + 64 * i)), bswap);
    y[i] = _mm512_shuffle_epi8(_mm512_loadu_si512((const void *)(in + 256 + 64 * i)), bswap);
  }
  transpose512(&x[0], &x[1], &x[2], &x[3]);
  transpose512(&y[0], &y[1], &y[2], &y[3]);
#define SM4_ROUND512(r, a, b1, b2, b3)                                                        \
  do {                                                                                        \
    const __m512i k = _mm512_set1_epi32((int)rk[r]);                                          \
    __m512i tx = _mm512_xor_si512(_mm512_ternarylogic_epi32(x[b1], x[b2], x[b3], 0x96), k);   \
    __m512i ty = _mm512_xor_si512(_mm512_ternarylogic_epi32(y[b1], y[b2], y[b3], 0x96), k);   \
    x[a] = xor_linear512(x[a], sbox512(tx));                                                  \
    y[a] = xor_linear512(y[a], sbox512(ty));                                                  \
  } while (0)
  for (i = 0; i < 32; i += 4) {
    SM4_ROUND512(i, 0, 1, 2, 3);
    SM4_ROUND512(i + 1, 1, 2, 3, 0);
    SM4_ROUND512(i + 2, 2, 3, 0, 1);
    SM4_ROUND512(i + 3, 3, 0, 1, 2);
  }
#undef SM4_ROUND512
  transpose512(&x[3], &x[2], &x[1], &x[0]);
  transpose512(&y[3], &y[2], &y[1], &y[0]);
  for (i = 0; i < 4; i++) {
    _mm512_storeu_si512((void *)(out + 64 * i), _mm512_shuffle_epi8(x[3 - i], bswap));
    _mm512_storeu_si512((void *)(out + 256 + 64 * i), _mm512_shuffle_epi8(y[3 - i], bswap));
  }
}

/* The next BATCH key-stream blocks into ks (counter blocks big-endian, as OpenSSL's CTR). */
static void keystream(sm4_ctr *c, uint8_t *ks) {
  uint8_t ctr[BATCH_BYTES];
  int j;
  for (j = 0; j < BATCH; j++) {
    uint64_t hi = __builtin_bswap64(c->hi), lo = __builtin_bswap64(c->lo);
    memcpy(ctr + 16 * j, &hi, 8);
    memcpy(ctr + 16 * j + 8, &lo, 8);
    if (++c->lo == 0) c->hi++;
  }
  if (use_avx512) {
    encrypt32(c->rk, ctr, ks);
  } else {
    encrypt16(c->rk, ctr, ks);
    encrypt16(c->rk, ctr + 256, ks + 256);
  }
}

TARGET static void xor_bytes(uint8_t *out, const uint8_t *in, const uint8_t *ks, size_t n) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i v = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(in + i)),
                                 _mm256_loadu_si256((const __m256i *)(ks + i)));
    _mm256_storeu_si256((__m256i *)(out + i), v);
  }
  for (; i < n; i++) out[i] = in[i] ^ ks[i];
}

static void ctr_update(sm4_ctr *c, const uint8_t *in, uint8_t *out, size_t n) {
  uint8_t ks[BATCH_BYTES];
  if (c->used < BATCH_BYTES && n > 0) {
    size_t take = BATCH_BYTES - c->used < n ? BATCH_BYTES - c->used : n;
    xor_bytes(out, in, c->ks + c->used, take);
    c->used += take;
    in += take;
    out += take;
    n -= take;
  }
  while (n >= BATCH_BYTES) {
    keystream(c, ks);
    xor_bytes(out, in, ks, BATCH_BYTES);
    in += BATCH_BYTES;
    out += BATCH_BYTES;
    n -= BATCH_BYTES;
  }
  if (n > 0) {
    keystream(c, c->ks);
    xor_bytes(out, in, c->ks, n);
    c->used = n;
  }
}

/* AVX2 and GFNI in the CPU, and YMM state enabled by the OS. */
static const char *cpu_why_not(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return "no CPUID";
  if (!(c & (1u << 27)) || !(c & (1u << 28))) return "no AVX (or OSXSAVE)";
  {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    if ((lo & 6) != 6) return "the OS does not save YMM registers";
  }
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return "no CPUID leaf 7";
  if (!(b & (1u << 5))) return "no AVX2";
  if (!(c & (1u << 8))) return "no GFNI";
  return NULL;
}

/* AVX-512F and BW in the CPU, opmask and ZMM state enabled by the OS; GONGZHI_SM4_AVX512=0 opts out. */
static int cpu_has_avx512(void) {
  unsigned a, b, c, d;
  uint32_t lo, hi;
  const char *env = getenv("GONGZHI_SM4_AVX512");
  if (env != NULL && strcmp(env, "0") == 0) return 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  if (!(b & (1u << 16)) || !(b & (1u << 30))) return 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  (void)hi;
  return (lo & 0xe6) == 0xe6;
}
#endif

/* NULL when usable (the answers are checked by the TypeScript side before use). */
static const char *why_not(void) {
#ifdef GZ_SM4_X86
  static int checked = 0; /* 1 ok, 2 failed; a race only repeats the same pure check */
  static const char *reason = NULL;
  if (checked == 0) {
    reason = cpu_why_not();
    if (reason == NULL && getenv("GONGZHI_SM4_NATIVE") != NULL && strcmp(getenv("GONGZHI_SM4_NATIVE"), "0") == 0)
      reason = "disabled by GONGZHI_SM4_NATIVE=0";
    if (reason == NULL) use_avx512 = cpu_has_avx512();
    checked = reason == NULL ? 1 : 2;
  }
  return reason;
#else
  return "needs x86-64 with AVX2 and GFNI, built by GCC 9 / clang 7 or later";
#endif
}

static napi_value undefined_value(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static int bytes_arg(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  bool is;
  void *p;
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  if (napi_get_typedarray_info(env, v, &type, len, &p, &ab, &offset) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = (uint8_t *)p;
  return 1;
}

static void ctr_free(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  if (data != NULL) {
    memset(data, 0, sizeof(sm4_ctr)); /* the round keys */
    free(data);
  }
}

/* sm4CtrWhyNot(): undefined when this SM4-CTR can be used, else why not. */
static napi_value js_why_not(napi_env env, napi_callback_info info) {
  napi_value s;
  const char *why = why_not();
  (void)info;
  if (why == NULL) return undefined_value(env);
  napi_create_string_utf8(env, why, NAPI_AUTO_LENGTH, &s);
  return s;
}

/* sm4CtrImpl(): 'avx512-gfni' or 'avx2-gfni' (undefined when unavailable), for reports and tests. */
static napi_value js_impl(napi_env env, napi_callback_info info) {
  napi_value s;
  (void)info;
  if (why_not() != NULL) return undefined_value(env);
#ifdef GZ_SM4_X86
  napi_create_string_utf8(env, use_avx512 ? "avx512-gfni" : "avx2-gfni", NAPI_AUTO_LENGTH, &s);
#else
  return undefined_value(env);
#endif
  return s;
}

/* sm4CtrNew(key: 16 bytes, iv: 16 bytes): a key-stream handle (encryption = decryption). */
static napi_value js_new(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  uint8_t *key, *iv;
  size_t klen, ivlen;
  sm4_ctr *c;
  int i;
  if (why_not() != NULL) return throw_error(env, "native SM4-CTR unavailable");
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2 ||
      !bytes_arg(env, argv[0], &key, &klen) || !bytes_arg(env, argv[1], &iv, &ivlen) || klen != 16 ||
      ivlen != 16)
    return throw_error(env, "sm4CtrNew(key: 16 bytes, iv: 16 bytes)");
  c = (sm4_ctr *)calloc(1, sizeof(sm4_ctr));
  if (c == NULL) return throw_error(env, "out of memory");
  key_schedule(key, c->rk);
  c->hi = 0;
  c->lo = 0;
  for (i = 0; i < 8; i++) c->hi = (c->hi << 8) | iv[i];
  for (i = 8; i < 16; i++) c->lo = (c->lo << 8) | iv[i];
  c->used = BATCH_BYTES;
  if (napi_create_external(env, c, ctr_free, NULL, &result) != napi_ok) {
    ctr_free(env, c, NULL);
    return throw_error(env, "cannot wrap the handle");
  }
  return result;
}

/* sm4CtrUpdate(handle, input, output): XOR the key stream; output may be input itself. */
static napi_value js_update(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  uint8_t *in, *out;
  size_t inl, outcap;
  void *p = NULL;
  napi_valuetype t;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3 ||
      napi_typeof(env, argv[0], &t) != napi_ok || t != napi_external ||
      napi_get_value_external(env, argv[0], &p) != napi_ok || p == NULL ||
      !bytes_arg(env, argv[1], &in, &inl) || !bytes_arg(env, argv[2], &out, &outcap))
    return throw_error(env, "sm4CtrUpdate(handle, input, output)");
  if (outcap < inl) return throw_error(env, "output shorter than input");
  if (out != in && out < in + inl && in < out + inl) return throw_error(env, "buffers overlap");
#ifdef GZ_SM4_X86
  ctr_update((sm4_ctr *)p, in, out, inl);
#endif
  return undefined_value(env);
}

/* Called from the module's init (sm2_verify.c). */
int gz_sm4_register(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback cb;
  } fns[] = {{"sm4CtrWhyNot", js_why_not}, {"sm4CtrImpl", js_impl}, {"sm4CtrNew", js_new}, {"sm4CtrUpdate", js_update}};
  size_t i;
  for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
    napi_value fn;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, NULL, &fn) != napi_ok) return 0;
    if (napi_set_named_property(env, exports, fns[i].name, fn) != napi_ok) return 0;
  }
  return 1;
}
