/*
 * Target-name wildcards, as CloudFormation hook targetNames use them:
 * '*' matches any run of characters (including none), '?' exactly one;
 * everything else matches itself, case-sensitively.
 */
#ifndef HOOKHOST_HOST_WILDCARD_H
#define HOOKHOST_HOST_WILDCARD_H

#include <stdbool.h>

/* Does text match pattern?  Linear in practice, never exponential. */
bool hhi_wildcard_match(const char *pattern, const char *text);

/* Does pattern hold a wildcard? */
bool hhi_wildcard_has_wildcard(const char *pattern);

/* Is there a string that both patterns match? (for per-type quotas) */
bool hhi_wildcard_overlap(const char *a, const char *b);

#endif
