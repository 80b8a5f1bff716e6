#include "config.h"

#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reports can be hundreds of megabytes: write them in large blocks. */
#define OUTPUT_BUFFER (1 << 20)

static int output_error(struct hhi_error *err, const char *name, int e)
{
    return hhi_error_set(err, HHI_EIO, "cannot write the report to %s: %s",
                         name != NULL ? name : "standard output", strerror(e));
}

/* ".<name>.XXXXXX" in the directory of path (a rename stays in one file system). */
static char *temp_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    int dir = slash != NULL ? (int)(slash - path + 1) : 0;
    size_t cap = strlen(path) + sizeof(".XXXXXX") + 1;
    char *t = malloc(cap);

    if (t != NULL)
        snprintf(t, cap, "%.*s.%s.XXXXXX", dir, path, path + dir);
    return t;
}

/* The mode a new file gets (0666 less the umask), or the existing file's. */
static mode_t file_mode(const struct stat *existing)
{
    mode_t mask;

    if (existing != NULL)
        return existing->st_mode & 07777;
    mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

static int open_temp(struct hhi_output *o, const struct stat *existing, struct hhi_error *err)
{
    int fd, e;

    o->tmp = temp_name(o->path);
    if (o->tmp == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    fd = mkostemp(o->tmp, O_CLOEXEC);
    if (fd < 0) {
        e = errno;
        free(o->tmp);
        o->tmp = NULL;
        return output_error(err, o->name, e);
    }
    if (fchmod(fd, file_mode(existing)) != 0 || (o->stream = fdopen(fd, "w")) == NULL) {
        e = errno;
        close(fd);
        return output_error(err, o->name, e);
    }
    return HHI_OK;
}

int hhi_output_open(struct hhi_output *o, const char *path, struct hhi_error *err)
{
    struct stat st;
    int rc = HHI_OK;
    bool exists;

    memset(o, 0, sizeof(*o));
    if (path == NULL || strcmp(path, "-") == 0) {
        o->stream = stdout;
        setvbuf(stdout, NULL, _IOFBF, OUTPUT_BUFFER);
        return HHI_OK;
    }
    o->name = path;
    /* Through a symbolic link, the file it names is the one replaced. */
    o->path = realpath(path, NULL);
    if (o->path == NULL)
        o->path = strdup(path);
    if (o->path == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        rc = output_error(err, path, EISDIR);
    else if (exists && !S_ISREG(st.st_mode))
        o->stream = fopen(path, "we");  /* a device or FIFO: nothing to replace */
    else
        rc = open_temp(o, exists ? &st : NULL, err);
    if (rc == HHI_OK && o->stream == NULL)
        rc = output_error(err, path, errno);
    if (rc != HHI_OK) {
        hhi_output_abort(o);
        return rc;
    }
    setvbuf(o->stream, NULL, _IOFBF, OUTPUT_BUFFER);
    return HHI_OK;
}

/* Make the rename durable too (best effort: not every file system can). */
static void sync_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash != NULL ? strndup(path, (size_t)(slash - path + 1)) : strdup(".");
    int fd = dir != NULL ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

/* Flush and close the stream; returns 0 or the errno of the failure. */
static int finish_stream(struct hhi_output *o)
{
    int e = 0;

    if (fflush(o->stream) != 0)
        e = errno;
    else if (ferror(o->stream))
        e = EIO;
    else if (o->tmp != NULL && fsync(fileno(o->stream)) != 0)
        e = errno;
    if (o->stream != stdout && fclose(o->stream) != 0 && e == 0)
        e = errno;
    o->stream = NULL;
    return e;
}

int hhi_output_commit(struct hhi_output *o, struct hhi_error *err)
{
    int e = finish_stream(o);

    if (e == 0 && o->tmp != NULL && rename(o->tmp, o->path) != 0)
        e = errno;
    if (e == 0 && o->tmp != NULL) {
        free(o->tmp);
        o->tmp = NULL;
        sync_directory(o->path);
    }
    if (e != 0)
        output_error(err, o->name, e);
    hhi_output_abort(o);
    return e == 0 ? HHI_OK : HHI_EIO;
}

void hhi_output_abort(struct hhi_output *o)
{
    if (o->stream != NULL && o->stream != stdout)
        fclose(o->stream);
    if (o->tmp != NULL)
        unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    memset(o, 0, sizeof(*o));
}
