/*
 * SM2 signature verification (GB/T 32918.2-2016 section 7) on the OpenSSL that Node itself ships.
 *
 * Why this exists: node:crypto computes SM2's Z value with an empty user ID and offers no way to set
 * the standard default ID "1234567812345678", so it cannot verify the signatures this ledger carries;
 * the portable verifier (@noble point arithmetic) manages about 1,000 verifications/s per core.
 *
 * The split with the TypeScript side (src/crypto/sm2-native.ts) keeps the rules in one place: the
 * caller decodes and validates the public key and computes e = SM3(Z || M) exactly as the portable
 * suite does; this file only does the arithmetic: r, s in [1, n-1], t = (r + s) mod n != 0,
 * R = [s]G + [t]P not at infinity, and (e + x(R)) mod n == r.
 *
 * Hot keys: `prepare(key)` returns a handle holding a copy of the curve whose generator is that
 * key, with OpenSSL's fixed-base table (EC_GROUP_precompute_mult, about 50 KB). [s]G and [t]P are
 * then two fixed-base multiplications (about 2.2 times faster than one joint multiplication
 * without a table for P). The TypeScript side decides which keys get one and keeps them in a
 * bounded cache; the garbage collector frees a dropped handle.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <stdlib.h>
#include <string.h>

/* native/sm2/sm4_ctr.c: SM4-CTR with AVX2 + GFNI, for datashare deliveries. */
int gz_sm4_register(napi_env env, napi_value exports);

typedef struct {
  EC_GROUP *group;
  /* [0]G = O: passed as an extra term so OpenSSL takes its wNAF path (which uses the fixed-base
     table) instead of the constant-time ladder it picks for a lone generator multiple. */
  BIGNUM *zero;
  EC_POINT *R2;
  BN_CTX *ctx;
  const BIGNUM *n;
  EC_POINT *P;
  EC_POINT *R;
  BIGNUM *r, *s, *t, *e, *x;
} sm2_state;

static void state_free(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  sm2_state *st = (sm2_state *)data;
  if (st == NULL) return;
  BN_free(st->r);
  BN_free(st->s);
  BN_free(st->t);
  BN_free(st->e);
  BN_free(st->x);
  BN_free(st->zero);
  EC_POINT_free(st->R2);
  EC_POINT_free(st->P);
  EC_POINT_free(st->R);
  BN_CTX_free(st->ctx);
  EC_GROUP_free(st->group);
  free(st);
}

static sm2_state *state_new(void) {
  sm2_state *st = (sm2_state *)calloc(1, sizeof(sm2_state));
  if (st == NULL) return NULL;
  st->group = EC_GROUP_new_by_curve_name(NID_sm2);
  st->ctx = BN_CTX_new();
  if (st->group == NULL || st->ctx == NULL) goto fail;
  /* A table of multiples of G: every verification multiplies G by s. */
  if (!EC_GROUP_precompute_mult(st->group, st->ctx)) goto fail;
  st->n = EC_GROUP_get0_order(st->group);
  st->P = EC_POINT_new(st->group);
  st->R = EC_POINT_new(st->group);
  st->r = BN_new();
  st->s = BN_new();
  st->t = BN_new();
  st->e = BN_new();
  st->x = BN_new();
  st->zero = BN_new();
  st->R2 = EC_POINT_new(st->group);
  if (st->zero == NULL || st->R2 == NULL) goto fail;
  BN_zero(st->zero);
  if (st->n == NULL || st->P == NULL || st->R == NULL || st->r == NULL || st->s == NULL || st->t == NULL ||
      st->e == NULL || st->x == NULL)
    goto fail;
  return st;
fail:
  state_free(NULL, st, NULL);
  return NULL;
}

/* A prepared key: the curve with the key as generator and its fixed-base table. */
typedef struct {
  EC_GROUP *group;
} sm2_key;

#define KEY_TABLE_BYTES (64 * 1024)

/* Range checks and t = (r + s) mod n; 0 when the signature is out of range. */
static int load_scalars(sm2_state *st, const unsigned char *sig) {
  if (BN_bin2bn(sig, 32, st->r) == NULL || BN_bin2bn(sig + 32, 32, st->s) == NULL) return 0;
  if (BN_is_zero(st->r) || BN_cmp(st->r, st->n) >= 0) return 0;
  if (BN_is_zero(st->s) || BN_cmp(st->s, st->n) >= 0) return 0;
  if (!BN_mod_add(st->t, st->r, st->s, st->n, st->ctx) || BN_is_zero(st->t)) return 0;
  return 1;
}

/* R not at infinity and (e + x(R)) mod n == r. */
static int check_r(sm2_state *st, const unsigned char *e) {
  if (EC_POINT_is_at_infinity(st->group, st->R)) return 0;
  if (!EC_POINT_get_affine_coordinates(st->group, st->R, st->x, NULL, st->ctx)) return 0;
  if (BN_bin2bn(e, 32, st->e) == NULL) return 0;
  if (!BN_mod_add(st->x, st->e, st->x, st->n, st->ctx)) return 0;
  return BN_cmp(st->x, st->r) == 0;
}

/* 1 valid, 0 invalid. pub is 65 bytes 0x04 || x || y, e and the two halves of sig are 32 bytes. */
static int sm2_verify(sm2_state *st, const unsigned char *pub, const unsigned char *e,
                      const unsigned char *sig) {
  if (!load_scalars(st, sig)) return 0;
  /* oct2point checks the point is on the curve. */
  if (!EC_POINT_oct2point(st->group, st->P, pub, 65, st->ctx)) return 0;
  if (!EC_POINT_mul(st->group, st->R, st->s, st->P, st->t, st->ctx)) return 0;
  return check_r(st, e);
}

/* The same with a prepared key: R = [s]G + [t]P as two fixed-base multiplications. */
static int sm2_verify_prepared(sm2_state *st, const sm2_key *key, const unsigned char *e,
                               const unsigned char *sig) {
  const EC_POINT *any[1];
  const BIGNUM *zero[1];
  if (key->group == NULL || !load_scalars(st, sig)) return 0;
  any[0] = EC_GROUP_get0_generator(st->group);
  zero[0] = st->zero;
  if (!EC_POINTs_mul(st->group, st->R, st->s, 1, any, zero, st->ctx)) return 0;
  if (!EC_POINTs_mul(key->group, st->R2, st->t, 1, any, zero, st->ctx)) return 0;
  if (!EC_POINT_add(st->group, st->R, st->R, st->R2, st->ctx)) return 0;
  return check_r(st, e);
}

/* Frees the table now (release() on eviction) rather than whenever the collector runs. */
static void key_release(napi_env env, sm2_key *key) {
  int64_t adjusted;
  if (key->group == NULL) return;
  EC_GROUP_free(key->group);
  key->group = NULL;
  napi_adjust_external_memory(env, -KEY_TABLE_BYTES, &adjusted);
}

static void key_free(napi_env env, void *data, void *hint) {
  (void)hint;
  sm2_key *key = (sm2_key *)data;
  if (key == NULL) return;
  key_release(env, key);
  free(key);
}

static int bytes_arg(napi_env env, napi_value v, const unsigned char **data, size_t *len) {
  napi_typedarray_type type;
  size_t length;
  void *ptr;
  napi_value ab;
  size_t offset;
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return 0;
  if (napi_get_typedarray_info(env, v, &type, &length, &ptr, &ab, &offset) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = (const unsigned char *)ptr;
  *len = length;
  return 1;
}

static sm2_state *state_of(napi_env env) {
  sm2_state *st = NULL;
  if (napi_get_instance_data(env, (void **)&st) != napi_ok || st == NULL) {
    napi_throw_error(env, NULL, "sm2 native state missing");
    return NULL;
  }
  return st;
}

/* The prepared key behind a handle from prepare(), or NULL. */
static sm2_key *key_arg(napi_env env, napi_value v) {
  napi_valuetype type;
  void *data = NULL;
  if (napi_typeof(env, v, &type) != napi_ok || type != napi_external) return NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok) return NULL;
  return (sm2_key *)data;
}

/*
 * verify(key, e32, sig64): boolean, where key is a 65-byte uncompressed Uint8Array or a handle
 * from prepare(). Never throws on bad bytes.
 */
static napi_value js_verify(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_value result;
  sm2_state *st;
  sm2_key *key;
  const unsigned char *pub, *e, *sig;
  size_t pub_len, e_len, sig_len;
  int ok = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if ((st = state_of(env)) == NULL) return NULL;
  if (argc == 3 && bytes_arg(env, argv[1], &e, &e_len) && bytes_arg(env, argv[2], &sig, &sig_len) &&
      e_len == 32 && sig_len == 64) {
    if ((key = key_arg(env, argv[0])) != NULL) ok = sm2_verify_prepared(st, key, e, sig);
    else if (bytes_arg(env, argv[0], &pub, &pub_len) && pub_len == 65 && pub[0] == 4)
      ok = sm2_verify(st, pub, e, sig);
  }
  napi_get_boolean(env, ok == 1, &result);
  return result;
}

/* prepare(pub65): handle | undefined (undefined for anything that is not a point on the curve). */
static napi_value js_prepare(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_value result;
  sm2_state *st;
  sm2_key *key = NULL;
  const unsigned char *pub;
  size_t pub_len;
  int64_t adjusted;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if ((st = state_of(env)) == NULL) return NULL;
  napi_get_undefined(env, &result);
  if (argc != 1 || !bytes_arg(env, argv[0], &pub, &pub_len) || pub_len != 65 || pub[0] != 4) return result;
  if (!EC_POINT_oct2point(st->group, st->P, pub, 65, st->ctx)) return result;
  if (EC_POINT_is_at_infinity(st->group, st->P)) return result;
  key = (sm2_key *)calloc(1, sizeof(sm2_key));
  if (key == NULL) return result;
  key->group = EC_GROUP_dup(st->group);
  /* The key's order is n: the curve has cofactor 1, so every point but O generates the group. */
  if (key->group == NULL || !EC_GROUP_set_generator(key->group, st->P, st->n, BN_value_one()) ||
      !EC_GROUP_precompute_mult(key->group, st->ctx)) {
    EC_GROUP_free(key->group);
    free(key);
    return result;
  }
  if (napi_create_external(env, key, key_free, NULL, &result) != napi_ok) {
    EC_GROUP_free(key->group);
    free(key);
    napi_get_undefined(env, &result);
    return result;
  }
  napi_adjust_external_memory(env, KEY_TABLE_BYTES, &adjusted);
  return result;
}

/* release(handle): frees its table; a released handle verifies nothing (false). */
static napi_value js_release(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_value result;
  sm2_key *key;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc == 1 && (key = key_arg(env, argv[0])) != NULL) key_release(env, key);
  napi_get_undefined(env, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  sm2_state *st = state_new();
  if (st == NULL) {
    napi_throw_error(env, NULL, "cannot set up the SM2 group in OpenSSL");
    return NULL;
  }
  if (napi_set_instance_data(env, st, state_free, NULL) != napi_ok) {
    state_free(env, st, NULL);
    napi_throw_error(env, NULL, "cannot store the SM2 state");
    return NULL;
  }
  if (napi_create_function(env, "verify", NAPI_AUTO_LENGTH, js_verify, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "verify", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "prepare", NAPI_AUTO_LENGTH, js_prepare, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "prepare", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "release", NAPI_AUTO_LENGTH, js_release, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "release", fn) != napi_ok) return NULL;
  if (!gz_sm4_register(env, exports)) return NULL;
  return exports;
}
