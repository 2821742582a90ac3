/*
 * Host tests for native/crypto/p256.c: standard vectors first (Mesh Protocol 1.1
 * section 8.17 sample data, RFC 5903 section 8.1, NIST CAVS 14.1 ECC CDH
 * primitive), then edge-case scalars, invalid points and scalars, NULL arguments,
 * the keygen rejection loop, and ECDH agreement on pseudo-random keys.
 * Prints "N passed, N failed"; exit status 1 on any failure.
 *
 * Build: see native/crypto/test/p256.mk (cc -std=c99 -Wall -Wextra -Werror
 * -fsanitize=address,undefined).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../p256.h"

static int passed, failed;

static void check(int ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL: %s\n", what);
    }
}

static void unhex(uint8_t *out, size_t len, const char *hex)
{
    size_t i;
    if (strlen(hex) != 2 * len) {
        printf("bad test vector length: %s\n", hex);
        exit(2);
    }
    for (i = 0; i < len; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) exit(2);
        out[i] = (uint8_t)v;
    }
}

static int eqhex(const uint8_t *b, size_t len, const char *hex)
{
    uint8_t want[64];
    unhex(want, len, hex);
    return memcmp(b, want, len) == 0;
}

#define N_HEX "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"
#define P_HEX "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"

/* ---- Mesh Protocol 1.1 section 8.17.1/8.17.2 sample data */
static void test_mesh_sample(void)
{
    static const char *priv_prov = "06a516693c9aa31a6084545d0c5db641b48572b97203ddffb7ac73f7d0457663";
    static const char *pub_prov =
        "2c31a47b5779809ef44cb5eaaf5c3e43d5f8faad4a8794cb987e9b03745c78dd"
        "919512183898dfbecd52e2408e43871fd021109117bd3ed4eaf8437743715d4f";
    static const char *priv_dev = "529aa0670d72cd6497502ed473502b037e8803b5c60829a5a3caa219505530ba";
    static const char *pub_dev =
        "f465e43ff23d3f1b9dc7dfc04da8758184dbc966204796eccf0d6cf5e16500cc"
        "0201d048bcbbd899eeefc424164e33c201c2b010ca6b4d43a8a155cad8ecb279";
    static const char *ecdh_secret = "ab85843a2f6d883f62e5684b38e307335fe6e1945ecd19604105c6f23221eb69";
    uint8_t priv[32], pub[64], peer[64], out[32];

    unhex(priv, 32, priv_prov);
    check(p256_public_from_private(pub, priv) == 0 && eqhex(pub, 64, pub_prov), "mesh PubProv");
    unhex(peer, 64, pub_dev);
    check(p256_validate_public(peer) == 0, "mesh PubDev valid");
    check(p256_ecdh(out, priv, peer) == 0 && eqhex(out, 32, ecdh_secret), "mesh ECDHSecret (provisioner)");

    unhex(priv, 32, priv_dev);
    check(p256_public_from_private(pub, priv) == 0 && eqhex(pub, 64, pub_dev), "mesh PubDev");
    unhex(peer, 64, pub_prov);
    check(p256_ecdh(out, priv, peer) == 0 && eqhex(out, 32, ecdh_secret), "mesh ECDHSecret (device)");
}

/* ---- RFC 5903 section 8.1 (256-bit random ECP group) */
static void test_rfc5903(void)
{
    static const char *i_hex = "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433";
    static const char *gi_hex =
        "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
        "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3";
    static const char *r_hex = "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53";
    static const char *gr_hex =
        "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
        "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab";
    static const char *girx = "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de";
    uint8_t priv[32], pub[64], peer[64], out[32];

    unhex(priv, 32, i_hex);
    check(p256_public_from_private(pub, priv) == 0 && eqhex(pub, 64, gi_hex), "rfc5903 g^i");
    unhex(peer, 64, gr_hex);
    check(p256_ecdh(out, priv, peer) == 0 && eqhex(out, 32, girx), "rfc5903 g^ir (i)");
    unhex(priv, 32, r_hex);
    check(p256_public_from_private(pub, priv) == 0 && eqhex(pub, 64, gr_hex), "rfc5903 g^r");
    unhex(peer, 64, gi_hex);
    check(p256_ecdh(out, priv, peer) == 0 && eqhex(out, 32, girx), "rfc5903 g^ir (r)");
}

/* ---- NIST CAVS 14.1 ECC CDH primitive test vectors, P-256 */
static void test_nist_cdh(void)
{
    static const struct {
        const char *qx, *qy, *d, *z;
    } v[] = {
        {"700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287",
         "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac",
         "7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534",
         "46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b"},
        {"a2339c12d4a03c33546de533268b4ad667debf458b464d77443636440ee7fec3",
         "ef48a3ab26e20220bcda2c1851076839dae88eae962869a497bf73cb66faf536",
         "1accfaf1b97712b85a6f54b148985a1bdc4c9bec0bd258cad4b3d603f49f32c8",
         "2d457b78b4614132477618a5b077965ec90730a8c81a1c75d6d4ec68005d67ec"},
        {"df3989b9fa55495719b3cf46dccd28b5153f7808191dd518eff0c3cff2b705ed",
         "422294ff46003429d739a33206c8752552c8ba54a270defc06e221e0feaf6ac4",
         "207c43a79bfee03db6f4b944f53d2fb76cc49ef1c9c4d34d51b6c65c4db6932d",
         "96441259534b80f6aee3d287a6bb17b5094dd4277d9e294f8fe73e48bf2a0024"},
        {"41192d2813e79561e6a1d6f53c8bc1a433a199c835e141b05a74a97b0faeb922",
         "1af98cc45e98a7e041b01cf35f462b7562281351c8ebf3ffa02e33a0722a1328",
         "59137e38152350b195c9718d39673d519838055ad908dd4757152fd8255c09bf",
         "19d44c8d63e8e8dd12c22a87b8cd4ece27acdde04dbf47f7f27537a6999a8e62"},
    };
    size_t i;
    uint8_t priv[32], peer[64], out[32], pub[64];
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        char what[64];
        unhex(peer, 32, v[i].qx);
        unhex(peer + 32, 32, v[i].qy);
        unhex(priv, 32, v[i].d);
        snprintf(what, sizeof what, "nist cdh %u", (unsigned)i);
        check(p256_ecdh(out, priv, peer) == 0 && eqhex(out, 32, v[i].z), what);
    }
    /* COUNT 0 also gives QIUT */
    unhex(priv, 32, v[0].d);
    check(p256_public_from_private(pub, priv) == 0 &&
              eqhex(pub, 64,
                    "ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b230"
                    "28af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141"),
          "nist cdh QIUT");
    /* the CAVS "invalid public key" case: x changed, no longer on the curve */
    unhex(peer, 32, "51192d2813e79561e6a1d6f53c8bc1a433a199c835e141b05a74a97b0faeb922");
    unhex(peer + 32, 32, v[3].qy);
    unhex(priv, 32, v[3].d);
    memset(out, 0x55, 32);
    check(p256_ecdh(out, priv, peer) == P256_ERR_INVALID_POINT, "nist cdh invalid Q");
    check(out[0] == 0 && out[31] == 0, "ecdh output zeroed on error");
}

/* ---- k*G for edge-case scalars (expected values computed with @noble/curves) */
static void test_edge_scalars(void)
{
    static const struct {
        const char *k, *pub;
    } v[] = {
        {"0000000000000000000000000000000000000000000000000000000000000001", "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"},
        {"0000000000000000000000000000000000000000000000000000000000000002", "7cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc4766997807775510db8ed040293d9ac69f7430dbba7dade63ce982299e04b79d227873d1"},
        {"0000000000000000000000000000000000000000000000000000000000000003", "5ecbe4d1a6330a44c8f7ef951d4bf165e6c6b721efada985fb41661bc6e7fd6c8734640c4998ff7e374b06ce1a64a2ecd82ab036384fb83d9a79b127a27d5032"},
        {"0000000000000000000000000000000000000000000000000000000000000004", "e2534a3532d08fbba02dde659ee62bd0031fe2db785596ef509302446b030852e0f1575a4c633cc719dfee5fda862d764efc96c3f30ee0055c42c23f184ed8c6"},
        {"0000000000000000000000000000000000000000000000000000000000000005", "51590b7a515140d2d784c85608668fdfef8c82fd1f5be52421554a0dc3d033ede0c17da8904a727d8ae1bf36bf8a79260d012f00d4d80888d1d0bb44fda16da4"},
        {"000000000000000000000000000000000000000000000000000000000000000f", "f0454dc6971abae7adfb378999888265ae03af92de3a0ef163668c63e59b9d5fb5b93ee3592e2d1f4e6594e51f9643e62a3b21ce75b5fa3f47e59cde0d034f36"},
        {"0000000000000000000000000000000000000000000000000000000000000010", "76a94d138a6b41858b821c629836315fcd28392eff6ca038a5eb4787e1277c6ea985fe61341f260e6cb0a1b5e11e87208599a0040fc78baa0e9ddd724b8c5110"},
        {"0000000000000000000000000000000000000000000000000000000000000011", "47776904c0f1cc3a9c0984b66f75301a5fa68678f0d64af8ba1abce34738a73eaa005ee6b5b957286231856577648e8381b2804428d5733f32f787ff71f1fcdc"},
        {"000000000000000000000000000000000000000000000000000000000000001f", "301d9e502dc7e05da85da026a7ae9aa0fac9db7d52a95b3e3e3f9aa0a1b45b8b6551b6f6b3061223e0d23c026b017d72298d9ae46887ca61d58db6aea17ee267"},
        {"0000000000000000000000000000000000000000000000000000000000000020", "2377c7d690a242ca6c45074e8ea5beefaa557fd5b68371d9d1475bd52a7ed0e147a13fb98413a4393f8d90e9bf901b7e6658a6cdecf46716e7c067b1ddb8d2b2"},
        {"0000000000000000000000000000000000000000000000000000000000000021", "9807d699fcd81356fa9aa25b89d9d34ea03b0a533aa872fd65c100f3cb2cd793c2a59cdccab11bf286a01a4d1d091b2fffe630b96c5878532f6bf92479634af4"},
        {"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550", "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296b01cbd1c01e58065711814b583f061e9d431cca994cea1313449bf97c840ae0a"},
        {"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254f", "7cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978f888aaee24712fc0d6c26539608bcf244582521ac3167dd661fb4862dd878c2e"},
        {"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254e", "5ecbe4d1a6330a44c8f7ef951d4bf165e6c6b721efada985fb41661bc6e7fd6c78cb9bf2b6670082c8b4f931e59b5d1327d54fcac7b047c265864ed85d82afcd"},
        {"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632542", "f0454dc6971abae7adfb378999888265ae03af92de3a0ef163668c63e59b9d5f4a46c11ba6d1d2e1b19a6b1ae069bc19d5c4de328a4a05c0b81a6321f2fcb0c9"},
        {"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632541", "76a94d138a6b41858b821c629836315fcd28392eff6ca038a5eb4787e1277c6e567a019dcbe0d9f2934f5e4a1ee178df7a665ffcf0387455f162228db473aeef"},
        {"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632540", "47776904c0f1cc3a9c0984b66f75301a5fa68678f0d64af8ba1abce34738a73e55ffa1184a46a8d89dce7a9a889b717c7e4d7fbcd72a8cc0cd0878008e0e0323"},
        {"7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8", "2afa386b3f2bdcdb83f4d83f8fa3874d7b74dcb454bd644fdd6bf3d1f2da8db672184be1caa8563462b536f10852d665ae8a64fdf1eb8d4c946ad589796f729c"},
        {"7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a9", "2afa386b3f2bdcdb83f4d83f8fa3874d7b74dcb454bd644fdd6bf3d1f2da8db68de7b41d3557a9cc9d4ac90ef7ad299a51759b030e1472b36b952a7686908d63"},
        {"8000000000000000000000000000000000000000000000000000000000000000", "77b20a912e6b23135066e911891524bc4efe3560e3e92350b52dec8f375f2b54a3dc291825cea3f7f7b10bfcdd038a72df623da1e850e0f1caa801fcd6cc67ff"},
        {"00000000000000000000000000000000ffffffffffffffffffffffffffffffff", "faa31e824f8143caeb2b0e68deee70bd45dc5b9a78fa0741ee22a6a7b9d0b22fe6078b5a598df8b65ba3d288e70db604a25d90279d586d11282d704f8bd18f2d"},
        {"ffffffff00000000fffffffffffffffebce6faada7179e84f3b9cac2fc632551", "447d739beedb5e67fb982fd588c6766efc35ff7dc297eac357c84fc9d789bd85d2b7da537cbece121ed1626ac5b55008c2cb646b58051afff381cc368d1da4cd"},
    };
    /* ECDH with the NIST COUNT 0 peer: small scalars and n - small (x(-Q) = x(Q));
       d = 2 and d = n - 2 take the doubling path of the last window addition */
    static const struct {
        const char *d, *z;
    } e[] = {
        {"0000000000000000000000000000000000000000000000000000000000000001", "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287"},
        {"0000000000000000000000000000000000000000000000000000000000000002", "e697267b1ae1fe830ff9ac568180b9e81c324b4845938feb29234a609dbe04f6"},
        {"0000000000000000000000000000000000000000000000000000000000000003", "a4f67fea5970b71ffcd878206d41e27fd2953d737ea9f3c78b5c91421664a82d"},
        {"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550", "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287"},
        {"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254f", "e697267b1ae1fe830ff9ac568180b9e81c324b4845938feb29234a609dbe04f6"},
        {"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254e", "a4f67fea5970b71ffcd878206d41e27fd2953d737ea9f3c78b5c91421664a82d"},
    };
    size_t i;
    uint8_t priv[32], pub[64], out[32], peer[64];
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        char what[96];
        unhex(priv, 32, v[i].k);
        snprintf(what, sizeof what, "k*G k=%s", v[i].k);
        check(p256_public_from_private(pub, priv) == 0 && eqhex(pub, 64, v[i].pub), what);
        check(p256_validate_public(pub) == 0, "k*G is valid");
    }
    unhex(peer, 64,
          "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287"
          "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac");
    for (i = 0; i < sizeof e / sizeof e[0]; i++) {
        char what[96];
        unhex(priv, 32, e[i].d);
        snprintf(what, sizeof what, "ecdh d=%s", e[i].d);
        check(p256_ecdh(out, priv, peer) == 0 && eqhex(out, 32, e[i].z), what);
    }
}

static void test_invalid_scalars(void)
{
    static const char *bad[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        N_HEX,
        "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632552",
        "ffffffff00000001000000000000000000000000000000000000000000000000",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    };
    size_t i;
    uint8_t priv[32], pub[64], out[32], peer[64];
    unhex(peer, 64,
          "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287"
          "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char what[96];
        unhex(priv, 32, bad[i]);
        memset(pub, 0x55, 64);
        snprintf(what, sizeof what, "public_from_private rejects %s", bad[i]);
        check(p256_public_from_private(pub, priv) == P256_ERR_INVALID_SCALAR, what);
        check(pub[0] == 0 && pub[63] == 0, "pub zeroed on error");
        snprintf(what, sizeof what, "ecdh rejects scalar %s", bad[i]);
        check(p256_ecdh(out, priv, peer) == P256_ERR_INVALID_SCALAR, what);
    }
}

static void test_invalid_points(void)
{
    static const struct {
        const char *name, *pub;
    } bad[] = {
        {"(0,0)", "0000000000000000000000000000000000000000000000000000000000000000"
                  "0000000000000000000000000000000000000000000000000000000000000000"},
        {"G with y+1", "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                       "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f6"},
        {"G with x+1", "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c297"
                       "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"},
        /* (0, y) is on the curve; x = p is the same residue but not canonical */
        {"x = p", P_HEX "66485c780e2f83d72433bd5d84a06bb6541c2af31dae871728bf856a174f93f4"},
        {"y = p", "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296" P_HEX},
        {"x, y all ones", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
                          "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"},
        /* G's y + p would overflow 256 bits, so use -G's y: p - Gy, plus p is >= 2^256? no: */
        {"(x, 0)", "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                   "0000000000000000000000000000000000000000000000000000000000000000"},
        /* the Mesh PubDev truncated by one byte (shifted, zero-padded) */
        {"truncated PubDev", "f465e43ff23d3f1b9dc7dfc04da8758184dbc966204796eccf0d6cf5e16500cc"
                             "0201d048bcbbd899eeefc424164e33c201c2b010ca6b4d43a8a155cad8ecb200"},
        {"truncated, shifted PubDev", "00f465e43ff23d3f1b9dc7dfc04da8758184dbc966204796eccf0d6cf5e16500"
                                      "cc0201d048bcbbd899eeefc424164e33c201c2b010ca6b4d43a8a155cad8ecb2"},
    };
    size_t i;
    uint8_t pub[64], priv[32], out[32];
    unhex(priv, 32, "7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char what[96];
        unhex(pub, 64, bad[i].pub);
        snprintf(what, sizeof what, "validate rejects %s", bad[i].name);
        check(p256_validate_public(pub) == P256_ERR_INVALID_POINT, what);
        snprintf(what, sizeof what, "ecdh rejects %s", bad[i].name);
        check(p256_ecdh(out, priv, pub) == P256_ERR_INVALID_POINT, what);
    }
    /* (0, y) itself is a valid point, and so is -G */
    unhex(pub, 64,
          "0000000000000000000000000000000000000000000000000000000000000000"
          "66485c780e2f83d72433bd5d84a06bb6541c2af31dae871728bf856a174f93f4");
    check(p256_validate_public(pub) == 0, "validate accepts (0, y)");
    check(p256_ecdh(out, priv, pub) == 0, "ecdh with (0, y)");
    unhex(pub, 64,
          "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
          "b01cbd1c01e58065711814b583f061e9d431cca994cea1313449bf97c840ae0a");
    check(p256_validate_public(pub) == 0, "validate accepts -G");
}

static void test_null_args(void)
{
    uint8_t priv[32] = {1}, pub[64], out[32];
    priv[31] = 1;
    check(p256_validate_public(NULL) == P256_ERR_ARG, "validate NULL");
    check(p256_public_from_private(NULL, priv) == P256_ERR_ARG, "pub NULL out");
    check(p256_public_from_private(pub, NULL) == P256_ERR_ARG, "pub NULL priv");
    check(p256_ecdh(NULL, priv, pub) == P256_ERR_ARG, "ecdh NULL out");
    check(p256_ecdh(out, NULL, pub) == P256_ERR_ARG, "ecdh NULL priv");
    check(p256_ecdh(out, priv, NULL) == P256_ERR_ARG, "ecdh NULL peer");
    check(p256_keygen(NULL, pub, NULL, NULL) == P256_ERR_ARG, "keygen NULL");
}

/* ---- keygen with scripted RNGs */
struct script_rng {
    const char *const *draws; /* hex strings, NULL = fail */
    int count, next, calls;
};

static int script_rng_fn(void *ctx, uint8_t *out, size_t len)
{
    struct script_rng *s = (struct script_rng *)ctx;
    const char *h;
    s->calls++;
    if (len != 32) return -1;
    h = s->draws[s->next < s->count ? s->next : s->count - 1];
    s->next++;
    if (!h) return -1;
    unhex(out, 32, h);
    return 0;
}

static void test_keygen(void)
{
    static const char *const draws1[] = {
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        N_HEX,
        "0000000000000000000000000000000000000000000000000000000000000000",
        "06a516693c9aa31a6084545d0c5db641b48572b97203ddffb7ac73f7d0457663",
    };
    static const char *const zeros[] = {"0000000000000000000000000000000000000000000000000000000000000000"};
    static const char *const fail[] = {NULL};
    struct script_rng s;
    uint8_t priv[32], pub[64];

    s.draws = draws1; s.count = 4; s.next = 0; s.calls = 0;
    check(p256_keygen(priv, pub, script_rng_fn, &s) == 0, "keygen rejection sampling");
    check(s.calls == 4, "keygen drew 4 times");
    check(eqhex(priv, 32, draws1[3]), "keygen priv is the first valid draw");
    check(eqhex(pub, 64,
                "2c31a47b5779809ef44cb5eaaf5c3e43d5f8faad4a8794cb987e9b03745c78dd"
                "919512183898dfbecd52e2408e43871fd021109117bd3ed4eaf8437743715d4f"),
          "keygen pub");

    s.draws = zeros; s.count = 1; s.next = 0; s.calls = 0;
    memset(priv, 0x55, 32);
    check(p256_keygen(priv, pub, script_rng_fn, &s) == P256_ERR_RNG, "keygen gives up");
    check(s.calls == P256_KEYGEN_TRIES, "keygen bounded tries");
    check(priv[0] == 0 && pub[0] == 0, "keygen zeroes outputs on error");

    s.draws = fail; s.count = 1; s.next = 0; s.calls = 0;
    check(p256_keygen(priv, pub, script_rng_fn, &s) == P256_ERR_RNG, "keygen rng failure");
    check(s.calls == 1, "keygen stops at the rng failure");
}

/* ---- agreement on pseudo-random keys (xorshift), plus validity of the results */
static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint8_t rnd8(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (uint8_t)(rs >> 24);
}

static void test_agreement(void)
{
    int i, j;
    int ok_all = 1;
    for (i = 0; i < 20; i++) {
        uint8_t a[32], b[32], pa[64], pb[64], s1[32], s2[32];
        for (j = 0; j < 32; j++) a[j] = rnd8(), b[j] = rnd8();
        a[0] &= 0x7f; /* stays < n */
        b[0] &= 0x7f;
        if (i == 0) { memset(a, 0, 32); a[31] = 2; }
        if (p256_public_from_private(pa, a) != 0 || p256_public_from_private(pb, b) != 0) ok_all = 0;
        if (p256_validate_public(pa) != 0 || p256_validate_public(pb) != 0) ok_all = 0;
        if (p256_ecdh(s1, a, pb) != 0 || p256_ecdh(s2, b, pa) != 0) ok_all = 0;
        if (memcmp(s1, s2, 32) != 0) ok_all = 0;
    }
    check(ok_all, "ecdh agreement on 20 random key pairs");
}

int main(void)
{
    test_mesh_sample();
    test_rfc5903();
    test_nist_cdh();
    test_edge_scalars();
    test_invalid_scalars();
    test_invalid_points();
    test_null_args();
    test_keygen();
    test_agreement();
    printf("p256: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
