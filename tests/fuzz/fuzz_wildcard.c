/*
 * Target-name wildcards: the input is a pattern and a text (or a second
 * pattern), split at the first NUL or 0xFF byte ("AWS::S3::*\0AWS::S3::Bucket";
 * without a separator both are the whole input).  hhi_wildcard_match is
 * compared with a dynamic-programming reference on short strings, and
 * hhi_wildcard_overlap with what match implies: it is symmetric, and for a
 * literal it is the same as matching that literal.
 */
#include "config.h"

#include "fuzz.h"
#include "wildcard.h"

/* Reference matching for strings up to this long (O(n * m) table). */
#define REF_MAX 48

static bool reference_match(const char *p, const char *t)
{
    /* m[i][j]: does p[i..] match t[j..]? */
    static bool m[REF_MAX + 1][REF_MAX + 1];
    size_t n = strlen(p), k = strlen(t), i, j;

    for (i = n + 1; i-- > 0;) {
        for (j = k + 1; j-- > 0;) {
            if (i == n)
                m[i][j] = j == k;
            else if (p[i] == '*')
                m[i][j] = m[i + 1][j] || (j < k && m[i][j + 1]);
            else
                m[i][j] = j < k && (p[i] == '?' || p[i] == t[j]) && m[i + 1][j + 1];
        }
    }
    return m[0][0];
}

static void check_pair(const char *a, const char *b)
{
    bool match = hhi_wildcard_match(a, b), overlap = hhi_wildcard_overlap(a, b);

    if (strlen(a) <= REF_MAX && strlen(b) <= REF_MAX)
        FUZZ_CHECK(match == reference_match(a, b));
    FUZZ_CHECK(overlap == hhi_wildcard_overlap(b, a));
    /* A literal text overlaps a pattern exactly when the pattern matches it. */
    if (!hhi_wildcard_has_wildcard(b))
        FUZZ_CHECK(overlap == match);
    /* b read as a text is matched by pattern b too, so it is a common string. */
    if (match)
        FUZZ_CHECK(overlap);
    FUZZ_CHECK(hhi_wildcard_has_wildcard(a) == (strpbrk(a, "*?") != NULL));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *rest;
    size_t first, rest_len;
    char *a, *b;

    if (fuzz_split(data, size, &first, &rest, &rest_len)) {
        a = fuzz_strndup(data, first);
        /* The text stops at a NUL of its own, as a C string does. */
        b = fuzz_strndup(rest, rest_len);
    } else {
        a = fuzz_strndup(data, size);
        b = fuzz_strndup(data, size);
    }
    check_pair(a, b);
    check_pair(b, a);
    /* Every pattern matches itself ('*' and '?' match themselves too) and overlaps itself. */
    FUZZ_CHECK(hhi_wildcard_match(a, a));
    FUZZ_CHECK(hhi_wildcard_overlap(a, a));
    FUZZ_CHECK(hhi_wildcard_match("*", a));
    FUZZ_CHECK(hhi_wildcard_overlap("*", a));
    free(a);
    free(b);
    return 0;
}
