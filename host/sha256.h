/* SHA-256 of files, for the registry's record of what it may load. */
#ifndef HOOKHOST_HOST_SHA256_H
#define HOOKHOST_HOST_SHA256_H

#include <stddef.h>

#include "error.h"

#define HHI_SHA256_HEX_LEN 64

/*
 * Hash everything the open descriptor fd holds (read with pread from
 * offset 0, so the descriptor can be used afterwards) into hex, lower
 * case, NUL-terminated.  what names the file in errors.
 */
int hhi_sha256_fd(int fd, const char *what, char hex[HHI_SHA256_HEX_LEN + 1],
                  struct hhi_error *err);

/* Is s 64 lower-case hex digits? */
int hhi_sha256_hex_valid(const char *s);

#endif
