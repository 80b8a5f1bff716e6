#include "config.h"

#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_parse.h"
#include "utf8.h"

static int check_regular(const char *path, int fd, size_t max, size_t *size,
                         struct hhi_error *err)
{
    struct stat st;

    if (fstat(fd, &st) != 0)
        return hhi_error_set(err, HHI_EINPUT, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return hhi_error_set(err, HHI_EINPUT, "%s: is a directory, not a file", path);
    if (!S_ISREG(st.st_mode))
        return hhi_error_set(err, HHI_EINPUT, "%s: not a regular file", path);
    if (st.st_size == 0)
        return hhi_error_set(err, HHI_EINPUT, "%s: empty file", path);
    if ((unsigned long long)st.st_size > (unsigned long long)max)
        return hhi_error_set(err, HHI_EINPUT, "%s: too large (%lld bytes, limit %zu)",
                             path, (long long)st.st_size, max);
    *size = (size_t)st.st_size;
    return HHI_OK;
}

static int read_all(const char *path, int fd, char *buf, size_t size, size_t *got,
                    struct hhi_error *err)
{
    size_t off = 0;

    while (off < size) {
        ssize_t n = read(fd, buf + off, size - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return hhi_error_set(err, HHI_EINPUT, "%s: %s", path, strerror(errno));
        if (n == 0)
            break; /* the file shrank while we read it */
        off += (size_t)n;
    }
    *got = off;
    return HHI_OK;
}

int hhi_file_read(const char *path, size_t max, char **data, size_t *len,
                  struct hhi_error *err)
{
    size_t size = 0, got = 0;
    char *buf = NULL;
    int fd, rc;

    *data = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return hhi_error_set(err, HHI_EINPUT, "%s: %s", path, strerror(errno));
    rc = check_regular(path, fd, max, &size, err);
    if (rc != HHI_OK)
        goto done;
    buf = malloc(size + 1);
    if (buf == NULL) {
        rc = hhi_error_set(err, HHI_ENOMEM, "%s: out of memory reading %zu bytes", path, size);
        goto done;
    }
    rc = read_all(path, fd, buf, size, &got, err);
    if (rc != HHI_OK)
        goto done;
    if (got == 0) {
        rc = hhi_error_set(err, HHI_EINPUT, "%s: empty file", path);
        goto done;
    }
    buf[got] = '\0';
    *data = buf;
    *len = got;
    buf = NULL;
done:
    free(buf);
    close(fd);
    return rc;
}

static void locate(const char *data, size_t offset, size_t *line, size_t *column)
{
    size_t i;

    *line = 1;
    *column = 1;
    for (i = 0; i < offset; i++) {
        if (data[i] == '\n') {
            (*line)++;
            *column = 1;
        } else {
            (*column)++;
        }
    }
}

static int parse_error(const char *what, const char *data, size_t offset,
                       const char *why, struct hhi_error *err)
{
    size_t line, column;

    locate(data, offset, &line, &column);
    return hhi_error_set(err, HHI_EINPUT, "%s:%zu:%zu: invalid JSON: %s", what, line,
                         column, why);
}

int hhi_json_parse(const char *what, const char *data, size_t len,
                   json_object **out, struct hhi_error *err)
{
    const char *why = NULL;
    size_t at = 0;
    int rc;

    *out = NULL;
    if (len > (size_t)INT32_MAX)
        return hhi_error_set(err, HHI_EINPUT, "%s: too large for the JSON parser", what);
    if (memchr(data, '\0', len) != NULL)
        return parse_error(what, data, (size_t)((const char *)memchr(data, '\0', len) - data),
                           "NUL byte in the text", err);
    /* Overlong forms and surrogates are not UTF-8: check it all first. */
    at = hhi_utf8_invalid_offset(data, len);
    if (at < len)
        return parse_error(what, data, at, "invalid UTF-8", err);
    /* Not json-c's tokener: see json_parse.c. */
    rc = hhi_json_build(data, len, HHI_JSON_MAX_DEPTH, out, &at, &why);
    if (rc == HHI_JSON_NOMEM)
        return hhi_error_set(err, HHI_ENOMEM, "%s: out of memory parsing JSON", what);
    if (rc != HHI_JSON_OK)
        return parse_error(what, data, at, why, err);
    return HHI_OK;
}

int hhi_json_read_file(const char *path, size_t max, json_object **out,
                       struct hhi_error *err)
{
    char *data = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    rc = hhi_file_read(path, max, &data, &len, err);
    if (rc == HHI_OK)
        rc = hhi_json_parse(path, data, len, out, err);
    free(data);
    return rc;
}
