/*
 * A stand-in for libFuzzer's driver, so that make check can run the
 * harnesses over their seed corpora without clang: every file named on the
 * command line, and every file in every directory named (not recursively,
 * in name order, dot files skipped), is read into a buffer of exactly its
 * size and given to LLVMFuzzerTestOneInput once.  A harness that finds a
 * problem aborts; otherwise the exit status is 0, or 1 when an input could
 * not be read or there was none at all.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static size_t inputs;

/* Read path into a new buffer of exactly its size (at least 1 byte allocated). */
static int read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;

    if (f == NULL)
        return -1;
    for (;;) {
        size_t n;

        if (len == cap) {
            uint8_t *p;

            cap = cap ? cap * 2 : 4096;
            p = realloc(buf, cap);
            if (p == NULL) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return -1;
            }
            buf = p;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        errno = EIO;
        return -1;
    }
    fclose(f);
    /* Exactly size bytes, so that a read past the end is caught by ASan. */
    *data = malloc(len > 0 ? len : 1);
    if (*data == NULL) {
        free(buf);
        errno = ENOMEM;
        return -1;
    }
    memcpy(*data, buf, len);
    free(buf);
    *size = len;
    return 0;
}

static int run_file(const char *path)
{
    uint8_t *data;
    size_t size;

    if (read_file(path, &data, &size) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    (void)LLVMFuzzerTestOneInput(data, size);
    free(data);
    inputs++;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_directory(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int rc = 0;

    if (d == NULL) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **p;

            cap = cap ? cap * 2 : 64;
            p = realloc(names, cap * sizeof(*names));
            if (p == NULL) {
                rc = -1;
                break;
            }
            names = p;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc != 0)
        fprintf(stderr, "replay: %s: out of memory\n", dir);
    if (names != NULL)
        qsort(names, n, sizeof(*names), compare_names);
    for (i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        struct stat st;

        if (path == NULL) {
            rc = -1;
        } else {
            snprintf(path, len, "%s/%s", dir, names[i]);
            if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
                fprintf(stderr, "replay: %s: a directory, skipped\n", path);
            else if (run_file(path) != 0)
                rc = -1;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    int i, failed = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIRECTORY...\n"
                "Run the fuzz harness once on each file (each file of each directory).\n",
                argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++) {
        struct stat st;

        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            failed = 1;
        } else if (S_ISDIR(st.st_mode) ? run_directory(argv[i]) != 0
                                       : run_file(argv[i]) != 0) {
            failed = 1;
        }
    }
    printf("replay: %zu input%s run\n", inputs, inputs == 1 ? "" : "s");
    if (inputs == 0) {
        fprintf(stderr, "replay: no input found\n");
        failed = 1;
    }
    return failed;
}
