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
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  EC_GROUP *group;
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
  if (st->n == NULL || st->P == NULL || st->R == NULL || st->r == NULL || st->s == NULL || st->t == NULL ||
      st->e == NULL || st->x == NULL)
    goto fail;
  return st;
fail:
  state_free(NULL, st, NULL);
  return NULL;
}

/* 1 valid, 0 invalid. pub is 65 bytes 0x04 || x || y, e and the two halves of sig are 32 bytes. */
static int sm2_verify(sm2_state *st, const unsigned char *pub, const unsigned char *e,
                      const unsigned char *sig) {
  if (BN_bin2bn(sig, 32, st->r) == NULL || BN_bin2bn(sig + 32, 32, st->s) == NULL) return 0;
  if (BN_is_zero(st->r) || BN_cmp(st->r, st->n) >= 0) return 0;
  if (BN_is_zero(st->s) || BN_cmp(st->s, st->n) >= 0) return 0;
  if (!BN_mod_add(st->t, st->r, st->s, st->n, st->ctx) || BN_is_zero(st->t)) return 0;
  /* oct2point checks the point is on the curve. */
  if (!EC_POINT_oct2point(st->group, st->P, pub, 65, st->ctx)) return 0;
  if (!EC_POINT_mul(st->group, st->R, st->s, st->P, st->t, st->ctx)) return 0;
  if (EC_POINT_is_at_infinity(st->group, st->R)) return 0;
  if (!EC_POINT_get_affine_coordinates(st->group, st->R, st->x, NULL, st->ctx)) return 0;
  if (BN_bin2bn(e, 32, st->e) == NULL) return 0;
  if (!BN_mod_add(st->x, st->e, st->x, st->n, st->ctx)) return 0;
  return BN_cmp(st->x, st->r) == 0;
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

/* verify(pub65: Uint8Array, e32: Uint8Array, sig64: Uint8Array): boolean; never throws on bad bytes. */
static napi_value js_verify(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_value result;
  sm2_state *st = NULL;
  const unsigned char *pub, *e, *sig;
  size_t pub_len, e_len, sig_len;
  int ok = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (napi_get_instance_data(env, (void **)&st) != napi_ok || st == NULL) {
    napi_throw_error(env, NULL, "sm2 native state missing");
    return NULL;
  }
  if (argc == 3 && bytes_arg(env, argv[0], &pub, &pub_len) && bytes_arg(env, argv[1], &e, &e_len) &&
      bytes_arg(env, argv[2], &sig, &sig_len) && pub_len == 65 && pub[0] == 4 && e_len == 32 &&
      sig_len == 64) {
    ok = sm2_verify(st, pub, e, sig);
  }
  napi_get_boolean(env, ok == 1, &result);
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
  return exports;
}
