/*
 * gongzhi_ristretto: ristretto255 sums of products for the voting proofs, on libsodium.
 *
 * One call computes a whole program of outputs, each a sum of terms over encoded points, so a
 * ballot's ~50 proof commitments cross N-API once. The JS side (src/voting-crypto/ristretto-native.ts)
 * decides what to compute and every acceptance rule; this file only does group arithmetic.
 *
 * combine(points, program, scalars) -> Uint8Array(32 * outputs) | null
 *   points   Uint8Array, 32 bytes per input point (canonical ristretto255 encodings; the identity is
 *            the 32 zero bytes). Every one is checked first (RFC 9496's rules, the top bit
 *            included); any invalid one answers null.
 *   program  Int32Array: for each output, n then n pairs (ref, mode).
 *            ref  >= 0 and < P: input point ref;  P + k: output k (k below the current output);
 *                 -1: the generator.
 *            mode 0: ref^scalar with the next 32-byte scalar;  1: + ref;  2: - ref.
 *   scalars  Uint8Array, 32 bytes little-endian per mode-0 term, reduced mod L here.
 *   An empty sum is the identity.
 *
 * Every libsodium function used is constant time in its scalar, so secret scalars are safe here;
 * what depends on the program's shape is public. libsodium's scalarmult answers -1 when the product
 * is the identity (a legal value in a proof): the output is then set to the identity's encoding.
 */
#include <node_api.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#define POINT 32

static napi_value fail(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static int typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  napi_typedarray_type t;
  napi_value buf;
  size_t off;
  if (napi_get_typedarray_info(env, v, &t, len, data, &buf, &off) != napi_ok) return 0;
  return t == want;
}

/* k·P (P < 0: the generator); the identity when the product is. */
static void mult(unsigned char out[POINT], const unsigned char *p, const unsigned char s32[32]) {
  unsigned char wide[64] = {0}, s[32];
  memcpy(wide, s32, 32);
  crypto_core_ristretto255_scalar_reduce(s, wide);
  int rc = p == NULL ? crypto_scalarmult_ristretto255_base(out, s) : crypto_scalarmult_ristretto255(out, s, p);
  if (rc != 0) memset(out, 0, POINT);
  sodium_memzero(wide, sizeof wide);
  sodium_memzero(s, sizeof s);
}

static napi_value combine(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3)
    return fail(env, "combine(points, program, scalars)");
  unsigned char *pts, *sc;
  int32_t *prog;
  size_t npts, nprog, nsc;
  if (!typed(env, argv[0], napi_uint8_array, (void **)&pts, &npts) || npts % POINT != 0)
    return fail(env, "points: Uint8Array of 32-byte encodings");
  if (!typed(env, argv[1], napi_int32_array, (void **)&prog, &nprog))
    return fail(env, "program: Int32Array");
  if (!typed(env, argv[2], napi_uint8_array, (void **)&sc, &nsc) || nsc % 32 != 0)
    return fail(env, "scalars: Uint8Array of 32-byte scalars");
  size_t P = npts / POINT, S = nsc / 32;
  napi_value nul;
  napi_get_null(env, &nul);
  /* libsodium 1.0.18 ignores the top bit of an encoding (RFC 9496 requires it clear): refused here. */
  for (size_t i = 0; i < P; i++)
    if ((pts[i * POINT + 31] & 0x80) != 0 || crypto_core_ristretto255_is_valid_point(pts + i * POINT) != 1)
      return nul;
  /* First pass: validate the program and count outputs. */
  size_t outputs = 0, used = 0;
  for (size_t at = 0; at < nprog; outputs++) {
    int32_t n = prog[at++];
    if (n < 0 || (size_t)n * 2 > nprog - at) return fail(env, "program: truncated output");
    for (int32_t t = 0; t < n; t++, at += 2) {
      int32_t ref = prog[at], mode = prog[at + 1];
      if (ref < -1 || (ref >= 0 && (size_t)ref >= P + outputs)) return fail(env, "program: bad ref");
      if (mode < 0 || mode > 2) return fail(env, "program: bad mode");
      if (mode == 0) used++;
    }
  }
  if (used != S) return fail(env, "scalars: not one per product term");
  napi_value result;
  void *raw;
  if (napi_create_arraybuffer(env, outputs * POINT, &raw, &result) != napi_ok) return fail(env, "out of memory");
  unsigned char *out = raw;
  static const unsigned char one[32] = {1};
  unsigned char g[POINT], term[POINT], acc[POINT];
  crypto_scalarmult_ristretto255_base(g, one);
  const unsigned char *s = sc;
  size_t at = 0;
  for (size_t o = 0; o < outputs; o++) {
    int32_t n = prog[at++];
    memset(acc, 0, POINT);
    for (int32_t t = 0; t < n; t++, at += 2) {
      int32_t ref = prog[at], mode = prog[at + 1];
      const unsigned char *p = ref == -1 ? g : (size_t)ref < P ? pts + ref * POINT : out + (ref - P) * POINT;
      if (mode == 0) {
        mult(term, ref == -1 ? NULL : p, s);
        s += 32;
        p = term;
      }
      /* Inputs are valid (checked above, or produced here), so add/sub cannot fail. */
      if (t == 0 && mode != 2) memcpy(acc, p, POINT);
      else if (mode == 2) crypto_core_ristretto255_sub(acc, acc, p);
      else crypto_core_ristretto255_add(acc, acc, p);
    }
    memcpy(out + o * POINT, acc, POINT);
  }
  sodium_memzero(term, sizeof term);
  napi_value u8;
  if (napi_create_typedarray(env, napi_uint8_array, outputs * POINT, result, 0, &u8) != napi_ok)
    return fail(env, "out of memory");
  return u8;
}

NAPI_MODULE_INIT() {
  if (sodium_init() < 0) return NULL;
  napi_value fn;
  if (napi_create_function(env, "combine", NAPI_AUTO_LENGTH, combine, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "combine", fn) != napi_ok) return NULL;
  return exports;
}
