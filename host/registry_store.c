#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"
#include "registry_internal.h"
#include "sha256.h"

#define HHI_INDEX_MAX_BYTES ((size_t)64 << 20)

/* ------------------------------------------------------------- directories */

static bool trusted(const struct stat *st)
{
    return (st->st_uid == 0 || st->st_uid == geteuid()) && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

static int check_trust(const struct hhi_registry *reg, const char *path, const struct stat *st,
                       struct hhi_error *err)
{
    if (reg->opts.allow_insecure || trusted(st))
        return HHI_OK;
    return hhi_error_set(err, HHI_ECONFIG,
                         "registry %s: owned by uid %ld with mode %04o: others could change it; refusing it (fix the ownership or permissions, or allow insecure registries explicitly)",
                         path, (long)st->st_uid, (unsigned)(st->st_mode & 07777));
}

/* Make dir (owner-writable only) when writing; check it either way. */
static int ensure_dir(const struct hhi_registry *reg, const char *dir, bool *missing,
                      struct hhi_error *err)
{
    struct stat st;

    if (lstat(dir, &st) != 0) {
        if (errno != ENOENT)
            return hhi_error_set(err, HHI_ECONFIG, "registry %s: %s", dir, strerror(errno));
        if (!reg->opts.writable) {
            *missing = true;
            return HHI_OK;
        }
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            return hhi_error_set(err, HHI_ECONFIG, "registry %s: cannot create: %s", dir,
                                 strerror(errno));
        if (chmod(dir, 0755) != 0 || lstat(dir, &st) != 0)
            return hhi_error_set(err, HHI_ECONFIG, "registry %s: %s", dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return hhi_error_set(err, HHI_ECONFIG, "registry %s: not a directory", dir);
    return check_trust(reg, dir, &st, err);
}

static int build_paths(struct hhi_registry *reg, char accounts[PATH_MAX], struct hhi_error *err)
{
    int n1 = snprintf(accounts, PATH_MAX, "%s/accounts", reg->root);
    int n2 = snprintf(reg->account_dir, sizeof(reg->account_dir), "%s/%s", accounts,
                      reg->account);
    int n3 = snprintf(reg->plugin_dir, sizeof(reg->plugin_dir), "%s/plugins",
                      reg->account_dir);
    int n4 = snprintf(reg->index_path, sizeof(reg->index_path), "%s/registry.json",
                      reg->account_dir);

    if (n1 >= PATH_MAX || n2 >= PATH_MAX || n3 >= PATH_MAX || n4 >= PATH_MAX)
        return hhi_error_set(err, HHI_ECONFIG, "registry %s: path too long", reg->root);
    return HHI_OK;
}

/* ------------------------------------------------------------------ lock */

static int take_lock(struct hhi_registry *reg, struct hhi_error *err)
{
    char path[PATH_MAX + 8];

    snprintf(path, sizeof(path), "%s/.lock", reg->account_dir);
    reg->lock_fd = open(path, (reg->opts.writable ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC |
                                  O_NOFOLLOW, 0600);
    if (reg->lock_fd < 0 && !reg->opts.writable && errno == ENOENT)
        return HHI_OK; /* nobody ever wrote here: nothing to wait for */
    if (reg->lock_fd < 0)
        return hhi_error_set(err, HHI_ECONFIG, "registry %s: %s", path, strerror(errno));
    while (flock(reg->lock_fd, reg->opts.writable ? LOCK_EX : LOCK_SH) != 0) {
        if (errno != EINTR)
            return hhi_error_set(err, HHI_ECONFIG, "registry %s: cannot lock: %s", path,
                                 strerror(errno));
    }
    return HHI_OK;
}

/* ----------------------------------------------------------------- index */

static json_object *empty_index(const char *account)
{
    json_object *index = json_object_new_object();

    if (index == NULL)
        return NULL;
    json_object_object_add(index, "formatVersion", json_object_new_int(HHI_REGISTRY_FORMAT));
    json_object_object_add(index, "account", json_object_new_string(account));
    json_object_object_add(index, "types", json_object_new_object());
    json_object_object_add(index, "activations", json_object_new_object());
    if (json_object_object_length(index) != 4) {
        json_object_put(index);
        return NULL;
    }
    return index;
}

static int read_index(struct hhi_registry *reg, bool *missing, struct hhi_error *err)
{
    struct stat st;
    int rc;

    if (lstat(reg->index_path, &st) != 0) {
        if (errno != ENOENT)
            return hhi_error_set(err, HHI_ECONFIG, "registry %s: %s", reg->index_path,
                                 strerror(errno));
        if (!reg->opts.writable)
            *missing = true;
        reg->index = empty_index(reg->account);
        return reg->index != NULL ? HHI_OK : hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    if (!S_ISREG(st.st_mode))
        return hhi_error_set(err, HHI_ECONFIG, "registry %s: not a regular file",
                             reg->index_path);
    rc = check_trust(reg, reg->index_path, &st, err);
    if (rc == HHI_OK)
        rc = hhi_json_read_file(reg->index_path, HHI_INDEX_MAX_BYTES, &reg->index, err);
    if (rc == HHI_EINPUT) {
        char why[HHI_ERROR_MESSAGE_MAX];

        /* Unreadable or not JSON (truncated, emptied): say what the file is. */
        snprintf(why, sizeof(why), "%s", err->message);
        hhi_error_clear(err);
        rc = hhi_error_set(err, HHI_ECONFIG, "corrupt registry index %s", why);
    }
    if (rc == HHI_OK)
        rc = hhi_registry_check_index(reg, reg->index, err);
    return rc;
}

int hhi_registry_store_open(struct hhi_registry *reg, bool *missing, struct hhi_error *err)
{
    char accounts[PATH_MAX];
    bool absent = false;
    int rc;

    reg->lock_fd = -1;
    rc = build_paths(reg, accounts, err);
    if (rc == HHI_OK)
        rc = ensure_dir(reg, reg->root, &absent, err);
    if (rc == HHI_OK && !absent)
        rc = ensure_dir(reg, accounts, &absent, err);
    if (rc == HHI_OK && !absent)
        rc = ensure_dir(reg, reg->account_dir, &absent, err);
    if (rc == HHI_OK && !absent)
        rc = ensure_dir(reg, reg->plugin_dir, &absent, err);
    if (rc == HHI_OK && !absent)
        rc = take_lock(reg, err);
    if (rc != HHI_OK)
        return rc;
    if (absent) {
        *missing = true;
        reg->index = empty_index(reg->account);
        return reg->index != NULL ? HHI_OK : hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    return read_index(reg, missing, err);
}

void hhi_registry_store_close(struct hhi_registry *reg)
{
    if (reg->lock_fd >= 0)
        close(reg->lock_fd); /* releases the lock */
    reg->lock_fd = -1;
}

/* ---------------------------------------------------------------- commit */

int hhi_registry_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static bool is_dir(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Index copies of writers killed before their rename (we hold the lock). */
static void collect_index_temporaries(const struct hhi_registry *reg)
{
    struct dirent *e;
    DIR *d = opendir(reg->account_dir);

    while (d != NULL && (e = readdir(d)) != NULL) {
        char path[PATH_MAX];

        if (strncmp(e->d_name, "registry.json.tmp-", 18) == 0 &&
            snprintf(path, sizeof(path), "%s/%s", reg->account_dir, e->d_name) <
                (int)sizeof(path))
            unlink(path);
    }
    if (d != NULL)
        closedir(d);
}

/* Files no index names: a writer killed half-way left them behind. */
static void collect_type_dir(const char *dir, json_object *versions_by_file)
{
    struct dirent *e;
    DIR *d = opendir(dir);

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        char path[PATH_MAX];

        if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || strcmp(e->d_name, "..") == 0))
            continue;
        if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
            continue;
        if (!json_object_object_get_ex(versions_by_file, path, NULL))
            unlink(path);
    }
    closedir(d);
    rmdir(dir); /* only succeeds when empty */
}

static void collect_garbage(const struct hhi_registry *reg)
{
    json_object *keep = json_object_new_object();
    struct dirent *e;
    DIR *d;

    if (keep == NULL)
        return;
    json_object_object_foreach(hhi_registry_types(reg), type, t) {
        json_object *versions;

        (void)type;
        if (!json_object_object_get_ex(t, "versions", &versions))
            continue;
        json_object_object_foreach(versions, id, v) {
            json_object *file;
            char path[PATH_MAX];

            (void)id;
            if (json_object_object_get_ex(v, "file", &file) &&
                snprintf(path, sizeof(path), "%s/%s", reg->plugin_dir,
                         json_object_get_string(file)) < (int)sizeof(path))
                json_object_object_add(keep, path, NULL);
        }
    }
    d = opendir(reg->plugin_dir);
    while (d != NULL && (e = readdir(d)) != NULL) {
        char path[PATH_MAX];

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            snprintf(path, sizeof(path), "%s/%s", reg->plugin_dir, e->d_name) >= (int)sizeof(path))
            continue;
        if (is_dir(path))
            collect_type_dir(path, keep);
        else
            unlink(path); /* .incoming copies of interrupted registrations */
    }
    if (d != NULL)
        closedir(d);
    json_object_put(keep);
    collect_index_temporaries(reg);
}

int hhi_registry_store_commit(struct hhi_registry *reg, struct hhi_error *err)
{
    char tmp[PATH_MAX + 32];
    const char *text;
    int fd, rc = HHI_OK;

    if (!reg->dirty)
        return HHI_OK;
    text = json_object_to_json_string_ext(reg->index, JSON_C_TO_STRING_PRETTY |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
    if (text == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    /* Never write an index that reading would refuse. */
    if (strlen(text) + 1 > HHI_INDEX_MAX_BYTES)
        return hhi_error_set(err, HHI_EQUOTA,
                             "registry %s: the index would be larger than %zu bytes: deregister types or remove configurations first",
                             reg->index_path, HHI_INDEX_MAX_BYTES);
    snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", reg->index_path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return hhi_error_set(err, HHI_EIO, "registry %s: %s", tmp, strerror(errno));
    if (fchmod(fd, 0644) != 0 || write_all(fd, text, strlen(text)) != 0 ||
        write_all(fd, "\n", 1) != 0 || fsync(fd) != 0)
        rc = hhi_error_set(err, HHI_EIO, "registry %s: %s", tmp, strerror(errno));
    if (close(fd) != 0 && rc == HHI_OK)
        rc = hhi_error_set(err, HHI_EIO, "registry %s: %s", tmp, strerror(errno));
    if (rc == HHI_OK && rename(tmp, reg->index_path) != 0)
        rc = hhi_error_set(err, HHI_EIO, "registry %s: %s", reg->index_path, strerror(errno));
    if (rc != HHI_OK) {
        unlink(tmp);
        return rc;
    }
    if (hhi_registry_sync_dir(reg->account_dir) != 0)
        return hhi_error_set(err, HHI_EIO, "registry %s: %s", reg->account_dir, strerror(errno));
    reg->dirty = false;
    collect_garbage(reg);
    return HHI_OK;
}
