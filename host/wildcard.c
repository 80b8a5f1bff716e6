#include "config.h"

#include "wildcard.h"

#include <stdlib.h>
#include <string.h>

/*
 * Greedy matching with one backtrack point: on a mismatch, only the most
 * recent '*' needs to absorb one more character, because any earlier '*'
 * could only have been extended to the same effect.  Worst case
 * O(len(pattern) * len(text)), never exponential.
 */
bool hhi_wildcard_match(const char *pattern, const char *text)
{
    const char *p = pattern, *t = text;
    const char *star = NULL, *star_text = NULL;

    while (*t != '\0') {
        if (*p == '*') {
            star = ++p;
            star_text = t;
        } else if (*p != '\0' && (*p == '?' || *p == *t)) {
            p++;
            t++;
        } else if (star != NULL) {
            p = star;
            t = ++star_text;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

bool hhi_wildcard_has_wildcard(const char *pattern)
{
    return strpbrk(pattern, "*?") != NULL;
}

/* Can one character be matched by both single-character tokens? */
static bool tokens_compatible(char a, char b)
{
    return a == '?' || b == '?' || a == b;
}

/*
 * One row of the product automaton (see hhi_wildcard_overlap): prev is row
 * i - 1 (NULL for i == 0), row receives row i.  State (i, j) means "a[0..i)
 * and b[0..j) have consumed the same prefix of some common string".
 */
static void overlap_row(const char *a, size_t i, const char *b, size_t m,
                        const bool *prev, bool *row)
{
    bool a_star_here = a[i] == '*';   /* a[i] is '\0' at the end: false */
    size_t j;

    for (j = 0; j <= m; j++) {
        bool r = (i == 0 && j == 0);

        if (prev != NULL) {
            char ac = a[i - 1];

            if (ac == '*')             /* a's star matches nothing more */
                r = r || prev[j];
            else if (j < m && b[j] == '*')  /* b's star absorbs ac */
                r = r || prev[j];
            if (ac != '*' && j > 0 && b[j - 1] != '*' &&
                tokens_compatible(ac, b[j - 1]))
                r = r || prev[j - 1];
        }
        if (j > 0 && (b[j - 1] == '*' || a_star_here))
            r = r || row[j - 1];       /* b's star ends, or a's absorbs */
        row[j] = r;
    }
}

/*
 * Reachability in the product of the two patterns' automata, one row at a
 * time: O(len(a) * len(b)) time, O(len(b)) memory.  A '*' may end (epsilon
 * move) or absorb a character the other pattern consumes; two non-star
 * tokens advance together when some character satisfies both.  Two stars
 * absorbing the same character together never helps, so it is not a move.
 */
bool hhi_wildcard_overlap(const char *a, const char *b)
{
    bool small[2][128];
    bool *prev, *row, *heap = NULL;
    size_t n = strlen(a), m = strlen(b), i;
    bool result;

    if (m + 1 <= sizeof(small[0]) / sizeof(small[0][0])) {
        prev = small[0];
        row = small[1];
    } else {
        heap = malloc(2 * (m + 1) * sizeof(*heap));
        if (heap == NULL)
            return true;   /* cannot tell: the cautious answer for quotas */
        prev = heap;
        row = heap + m + 1;
    }
    overlap_row(a, 0, b, m, NULL, prev);
    for (i = 1; i <= n; i++) {
        bool *tmp;

        overlap_row(a, i, b, m, prev, row);
        tmp = prev;
        prev = row;
        row = tmp;
    }
    result = prev[m];
    free(heap);
    return result;
}
