#include "config.h"

#include "sha256.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

static void to_hex(const unsigned char *digest, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 0xf];
    }
    hex[HHI_SHA256_HEX_LEN] = '\0';
}

int hhi_sha256_fd(int fd, const char *what, char hex[HHI_SHA256_HEX_LEN + 1],
                  struct hhi_error *err)
{
    unsigned char buf[65536], digest[32];
    unsigned int digest_len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    off_t off = 0;
    int rc = HHI_OK;

    if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        rc = hhi_error_set(err, HHI_ENOMEM, "%s: cannot start SHA-256", what);
        goto done;
    }
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof(buf), off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = hhi_error_set(err, HHI_EIO, "%s: %s", what, strerror(errno));
            goto done;
        }
        if (n == 0)
            break;
        if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
            rc = hhi_error_set(err, HHI_EINTERNAL, "%s: SHA-256 failed", what);
            goto done;
        }
        off += n;
    }
    if (EVP_DigestFinal_ex(ctx, digest, &digest_len) != 1 || digest_len != 32) {
        rc = hhi_error_set(err, HHI_EINTERNAL, "%s: SHA-256 failed", what);
        goto done;
    }
    to_hex(digest, hex);
done:
    EVP_MD_CTX_free(ctx);
    return rc;
}

int hhi_sha256_hex_valid(const char *s)
{
    size_t i;

    for (i = 0; i < HHI_SHA256_HEX_LEN; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    }
    return s[HHI_SHA256_HEX_LEN] == '\0';
}
