/* Copying text from plugins: bounded, valid UTF-8, truncated on a character boundary. */
#ifndef HOOKHOST_HOST_UTF8_H
#define HOOKHOST_HOST_UTF8_H

#include <stddef.h>

/*
 * Copy at most len bytes of src (stopping at a NUL) into dst of cap bytes,
 * NUL-terminated; invalid UTF-8 sequences become '?'.  Returns the length
 * written.
 */
size_t hhi_utf8_copy(char *dst, size_t cap, const char *src, size_t len);

/* Like hhi_utf8_copy, and control characters (newlines too) become spaces. */
size_t hhi_utf8_copy_line(char *dst, size_t cap, const char *src, size_t len);

/* Offset of the first byte of s[0..len) that is not valid UTF-8, or len. */
size_t hhi_utf8_invalid_offset(const char *s, size_t len);

#endif
