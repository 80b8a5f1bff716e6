#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wildcard.h"

#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------- matching */

static const struct match_case {
    const char *pattern, *text;
    bool match;
} match_cases[] = {
    { "", "", true },
    { "", "a", false },
    { "*", "", true },
    { "*", "AWS::S3::Bucket", true },
    { "**", "", true },
    { "?", "", false },
    { "?", "a", true },
    { "?", "ab", false },
    { "??", "ab", true },
    { "AWS::S3::Bucket", "AWS::S3::Bucket", true },
    { "AWS::S3::Bucket", "AWS::S3::BucketPolicy", false },
    { "AWS::S3::Bucket", "AWS::S3::Bucke", false },
    { "AWS::S3::Bucket", "aws::s3::bucket", false },          /* case-sensitive */
    { "AWS::S3::*", "AWS::S3::Bucket", true },
    { "AWS::S3::*", "AWS::S3::", true },                       /* '*' may be empty */
    { "AWS::S3::*", "AWS::EC2::Instance", false },
    { "AWS::*::Bucket*", "AWS::S3::Bucket", true },
    { "AWS::*::Bucket*", "AWS::S3::BucketPolicy", true },
    { "AWS::*::Bucket*", "AWS::S3Express::Bucket", true },
    { "AWS::*::Bucket*", "AWS::S3::Object", false },
    { "AWS::EC2::SecurityGroup*", "AWS::EC2::SecurityGroupIngress", true },
    { "AWS::EC2::SecurityGroup*", "AWS::EC2::Subnet", false },
    { "AWS::???::*", "AWS::EC2::Instance", true },
    { "AWS::???::*", "AWS::S3::Bucket", false },
    { "*::*::*", "AWS::S3::Bucket", true },
    { "*::*::*", "AWS::S3", false },
    { "*Bucket", "AWS::S3::Bucket", true },
    { "*Bucket", "AWS::S3::BucketPolicy", false },
    { "*a*b", "aXbXab", true },
    { "*a*b", "aXbXa", false },
    { "a*a", "a", false },
    { "a*a", "aa", true },
    { "*?", "", false },
    { "*?", "x", true },
    { "?*?", "x", false },
    { "?*?", "xy", true },
    { "*ab*ab*", "abab", true },
    { "*ab*ab*", "aba", false },
    { "*aab", "aaab", true },                                  /* needs a backtrack */
    { "a*b*c", "abbbc", true },
    { "a*b*c", "acb", false },
    { "*.*", "a.b", true },                                    /* '.' is literal */
    { "a.b", "axb", false },
    { "[ab]", "a", false },                                    /* no bracket classes */
    { "[ab]", "[ab]", true },
};

static void test_match_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(match_cases); i++) {
        const struct match_case *c = &match_cases[i];

        if (hhi_wildcard_match(c->pattern, c->text) != c->match)
            fail_msg("match(\"%s\", \"%s\") should be %s", c->pattern, c->text,
                     c->match ? "true" : "false");
    }
}

static void test_has_wildcard(void **state)
{
    (void)state;
    assert_false(hhi_wildcard_has_wildcard(""));
    assert_false(hhi_wildcard_has_wildcard("AWS::S3::Bucket"));
    assert_false(hhi_wildcard_has_wildcard("a.b[c]"));
    assert_true(hhi_wildcard_has_wildcard("*"));
    assert_true(hhi_wildcard_has_wildcard("AWS::S3::*"));
    assert_true(hhi_wildcard_has_wildcard("AWS::S?::Bucket"));
    assert_true(hhi_wildcard_has_wildcard("?*"));
}

/* Patterns that make a backtracking matcher exponential must stay fast. */
static void test_match_pathological(void **state)
{
    enum { LONG = 20000 };
    char *text = malloc(LONG + 2);
    char pattern[64];
    int i;

    (void)state;
    assert_non_null(text);
    memset(text, 'a', LONG);
    text[LONG] = '\0';
    strcpy(pattern, "");
    for (i = 0; i < 12; i++)
        strcat(pattern, "*a");
    strcat(pattern, "*b");
    assert_false(hhi_wildcard_match(pattern, text));
    text[LONG] = 'b';
    text[LONG + 1] = '\0';
    assert_true(hhi_wildcard_match(pattern, text));
    assert_true(hhi_wildcard_match("*?*?*?*?*?*?*?*?*?*?*", text));
    assert_false(hhi_wildcard_match("*a*a*a*a*a*a*a*a*a*a*c", text));
    free(text);
}

/* ------------------------------------------------------------- overlaps */

static const struct overlap_case {
    const char *a, *b;
    bool overlap;
} overlap_cases[] = {
    { "", "", true },
    { "", "*", true },
    { "", "?", false },
    { "", "a", false },
    { "*", "*", true },
    { "*", "anything", true },
    { "AWS::S3::Bucket", "AWS::S3::Bucket", true },
    { "AWS::S3::Bucket", "AWS::S3::Object", false },
    { "AWS::S3::*", "AWS::S3::Bucket", true },
    { "AWS::S3::*", "AWS::EC2::*", false },
    { "AWS::S3::*", "AWS::*::Bucket", true },
    { "AWS::*::Bucket", "AWS::*::Object", false },
    { "AWS::*::Bucket*", "*Policy", true },                    /* AWS::x::BucketPolicy */
    { "AWS::*", "*::Bucket", true },
    { "AWS::*", "Custom::*", false },
    { "*a", "*b", false },                                     /* last characters differ */
    { "a*", "b*", false },                                     /* first characters differ */
    { "a*", "*b", true },                                      /* "ab" */
    { "*a*", "*b*", true },                                    /* "ab" */
    { "?", "??", false },
    { "??", "*", true },
    { "??", "a*", true },
    { "??", "a*bc", false },                                   /* needs at least 3 */
    { "a?c", "?b?", true },                                    /* "abc" */
    { "a?c", "?b", false },
    { "*x*y*", "*y*x*", true },                                /* "xyx" */
    { "x*y", "y*x", false },
    { "*ab", "ba*", true },                                    /* "bab" */
    { "a*a", "a", false },
    { "a*a", "a*", true },
    { "*a*a*a*a*a*a*b", "*a*a*a*a*a*a*a*c", false },
    { "*a*a*a*a*a*a*b", "*a*a*a*a*a*a*a*?", true },
};

static void test_overlap_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(overlap_cases); i++) {
        const struct overlap_case *c = &overlap_cases[i];

        if (hhi_wildcard_overlap(c->a, c->b) != c->overlap)
            fail_msg("overlap(\"%s\", \"%s\") should be %s", c->a, c->b,
                     c->overlap ? "true" : "false");
        if (hhi_wildcard_overlap(c->b, c->a) != c->overlap)
            fail_msg("overlap(\"%s\", \"%s\") should be %s (reversed)", c->b, c->a,
                     c->overlap ? "true" : "false");
    }
}

/* Long patterns take the heap path of the overlap computation. */
static void test_overlap_long(void **state)
{
    char big[600];

    (void)state;
    memset(big, 'a', 500);
    strcpy(big + 500, "x");
    assert_true(hhi_wildcard_overlap("*x", big));
    assert_true(hhi_wildcard_overlap(big, "a*"));
    assert_false(hhi_wildcard_overlap("*y", big));
    assert_false(hhi_wildcard_overlap(big, big + 1));          /* one 'a' fewer */
    memset(big, '?', 500);
    big[500] = '\0';
    assert_false(hhi_wildcard_overlap("???", big));
    assert_true(hhi_wildcard_overlap("*", big));
    assert_true(hhi_wildcard_overlap(big, big));
    strcpy(big + 250, "*");
    assert_true(hhi_wildcard_overlap(big, "b*c"));
}

/*
 * Exhaustive check against brute force: every pattern of up to 3 symbols
 * over {a, b, *, ?} against every text of up to 6 letters over {a, b, c}.
 * A common string, when there is one, is no longer than the two patterns
 * together, and any letter they do not name can stand for 'c'.
 */
#define MAX_PATTERNS 85      /* 1 + 4 + 16 + 64 */
#define MAX_TEXTS 1093       /* 1 + 3 + ... + 729 */
#define TEXT_WORDS ((MAX_TEXTS + 63) / 64)

struct brute {
    char patterns[MAX_PATTERNS][4];
    char texts[MAX_TEXTS][7];
    uint64_t matches[MAX_PATTERNS][TEXT_WORDS];
};

/* Every string of up to max_len symbols from alphabet, shortest first. */
static size_t enumerate(const char *alphabet, size_t max_len, char *out, size_t stride)
{
    size_t k = strlen(alphabet), count = 0, len, i;

    for (len = 0; len <= max_len; len++) {
        size_t total = 1, n;

        for (i = 0; i < len; i++)
            total *= k;
        for (n = 0; n < total; n++) {
            char *s = out + count++ * stride;
            size_t v = n;

            for (i = 0; i < len; i++, v /= k)
                s[i] = alphabet[v % k];
            s[len] = '\0';
        }
    }
    return count;
}

/* Reference matcher: plain recursion, fine for tiny inputs. */
static bool reference_match(const char *p, const char *t)
{
    if (*p == '\0')
        return *t == '\0';
    if (*p == '*')
        return reference_match(p + 1, t) || (*t != '\0' && reference_match(p, t + 1));
    return *t != '\0' && (*p == '?' || *p == *t) && reference_match(p + 1, t + 1);
}

static void test_brute_force(void **state)
{
    struct brute *b = calloc(1, sizeof(*b));
    size_t np, nt, i, j, w;

    (void)state;
    assert_non_null(b);
    np = enumerate("ab*?", 3, &b->patterns[0][0], sizeof(b->patterns[0]));
    nt = enumerate("abc", 6, &b->texts[0][0], sizeof(b->texts[0]));
    assert_int_equal(np, MAX_PATTERNS);
    assert_int_equal(nt, MAX_TEXTS);
    for (i = 0; i < np; i++) {
        for (j = 0; j < nt; j++) {
            bool m = hhi_wildcard_match(b->patterns[i], b->texts[j]);

            if (m != reference_match(b->patterns[i], b->texts[j]))
                fail_msg("match(\"%s\", \"%s\") disagrees with the reference",
                         b->patterns[i], b->texts[j]);
            if (m)
                b->matches[i][j / 64] |= UINT64_C(1) << (j % 64);
        }
    }
    for (i = 0; i < np; i++) {
        for (j = 0; j < np; j++) {
            bool common = false;

            for (w = 0; w < TEXT_WORDS; w++)
                common = common || (b->matches[i][w] & b->matches[j][w]) != 0;
            if (hhi_wildcard_overlap(b->patterns[i], b->patterns[j]) != common)
                fail_msg("overlap(\"%s\", \"%s\") should be %s", b->patterns[i],
                         b->patterns[j], common ? "true" : "false");
        }
    }
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_table),
        cmocka_unit_test(test_has_wildcard),
        cmocka_unit_test(test_match_pathological),
        cmocka_unit_test(test_overlap_table),
        cmocka_unit_test(test_overlap_long),
        cmocka_unit_test(test_brute_force),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
