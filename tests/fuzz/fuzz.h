/*
 * Shared by the fuzz harnesses: the libFuzzer entry point every harness
 * defines (linked either with libFuzzer or with replay.c), and the checks
 * they make on every result.  A failed check aborts, so that libFuzzer and
 * the replay driver alike report the input.
 */
#ifndef HOOKHOST_TESTS_FUZZ_H
#define HOOKHOST_TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* One input; returns 0 (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message when cond is false, even under NDEBUG. */
#define FUZZ_CHECK(cond) \
    ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))

_Noreturn static inline void fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
    fflush(stderr);
    abort();
}

/*
 * The host's error convention: 0 and no error recorded, or a negative
 * HHI_E* code that is also in err, with a one-line message that starts
 * with prefix (when prefix is not NULL).
 */
static inline void fuzz_check_error(int rc, const struct hhi_error *err, const char *prefix)
{
    size_t len;

    if (rc == HHI_OK) {
        FUZZ_CHECK(err->code == HHI_OK);
        return;
    }
    FUZZ_CHECK(rc < 0);
    FUZZ_CHECK(err->code == rc);
    len = strnlen(err->message, sizeof(err->message));
    FUZZ_CHECK(len > 0 && len < sizeof(err->message));
    FUZZ_CHECK(memchr(err->message, '\n', len) == NULL);
    FUZZ_CHECK(memchr(err->message, '\r', len) == NULL);
    if (prefix != NULL)
        FUZZ_CHECK(strncmp(err->message, prefix, strlen(prefix)) == 0);
}

/*
 * Split an input made of two parts at its first NUL or 0xFF byte (neither
 * can occur in valid JSON text).  Returns whether there was a separator;
 * *first_len is the length of the first part, *rest and *rest_len what follows
 * the separator (nothing without one).
 */
static inline bool fuzz_split(const uint8_t *data, size_t size, size_t *first_len,
                              const uint8_t **rest, size_t *rest_len)
{
    size_t i;

    for (i = 0; i < size; i++) {
        if (data[i] == 0x00 || data[i] == 0xFF) {
            *first_len = i;
            *rest = data + i + 1;
            *rest_len = size - i - 1;
            return true;
        }
    }
    *first_len = size;
    *rest = data + size;
    *rest_len = 0;
    return false;
}

/* A NUL-terminated copy of len bytes (aborts when out of memory). */
static inline char *fuzz_strndup(const uint8_t *data, size_t len)
{
    char *s = malloc(len + 1);

    if (s == NULL)
        fuzz_fail(__FILE__, __LINE__, "out of memory");
    if (len > 0)
        memcpy(s, data, len);
    s[len] = '\0';
    return s;
}

/*
 * Is s (len bytes) valid UTF-8 as RFC 3629 defines it: no overlong forms,
 * no surrogates, nothing past U+10FFFF?
 */
static inline bool fuzz_utf8_valid(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned char c = u[i];
        size_t n, k;
        unsigned long cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            cp = c & 0x07u;
        } else {
            return false;
        }
        if (len - i < n)
            return false;
        for (k = 1; k < n; k++) {
            if ((u[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (u[i + k] & 0x3Fu);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n;
    }
    return true;
}

#endif
