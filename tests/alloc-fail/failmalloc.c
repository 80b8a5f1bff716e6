#include "config.h"

/*
 * An LD_PRELOAD shim that makes one allocation fail, for the allocation
 * failure test (tests/test_alloc_fail.c), as curl's torture mode does.
 *
 *   HOOKHOST_FAIL_ALLOC=N          the N-th allocation (1-based) counted
 *                                  after main() starts returns NULL with
 *                                  errno ENOMEM; 0 counts without failing
 *   HOOKHOST_FAIL_ALLOC_REPORT=F   at exit, write "calls=C failed=0|1 by=LIB" to
 *                                  F, LIB the library whose code asked for
 *                                  the failed allocation
 * A crash prints a backtrace on standard error.
 *
 * Counted: malloc, calloc, realloc (not realloc(p, 0), which frees),
 * strdup, strndup, posix_memalign, aligned_alloc, memalign.  Allocations
 * inside the C library (fopen, scandir, realpath, dlopen...) are counted
 * too, since glibc routes them through the interposed malloc.  The real
 * allocator is reached through glibc's __libc_* entry points, so no dlsym
 * is needed on the allocation path.
 *
 * Only the hookhost command is armed (not a valgrind launcher in front of
 * it, nor a worker process it starts: "hookhost __worker").
 */

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

/* glibc's own allocator, behind the public names we replace. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

typedef int (*main_fn)(int, char **, char **);
typedef int (*start_fn)(main_fn, int, char **, void *, void *, void *, void *);

/* The C library's entry point, which calls main(): interposed to arm the shim. */
int __libc_start_main(main_fn main_, int argc, char **argv, void *init, void *fini,
                      void *rtld_fini, void *stack_end);

static main_fn real_main;
static unsigned long fail_at;      /* 0: never */
static unsigned long calls;        /* counted allocations */
static int failed;                 /* the fail_at-th one was made to fail */
static void *failed_caller;        /* the code that made it */
static bool armed;
static char report_path[4096];

/* Count one allocation (made by caller); true when it is the one to fail. */
static bool should_fail(void *caller)
{
    unsigned long n;

    if (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE))
        return false;
    n = __atomic_add_fetch(&calls, 1, __ATOMIC_ACQ_REL);
    if (fail_at == 0 || n != fail_at)
        return false;
    failed_caller = caller;
    __atomic_store_n(&failed, 1, __ATOMIC_RELEASE);
    errno = ENOMEM;
    return true;
}

EXPORT void *malloc(size_t size)
{
    return should_fail(__builtin_return_address(0)) ? NULL : __libc_malloc(size);
}

EXPORT void *calloc(size_t n, size_t size)
{
    return should_fail(__builtin_return_address(0)) ? NULL : __libc_calloc(n, size);
}

EXPORT void *realloc(void *p, size_t size)
{
    if (p != NULL && size == 0)
        return __libc_realloc(p, size);
    return should_fail(__builtin_return_address(0)) ? NULL : __libc_realloc(p, size);
}

EXPORT void *memalign(size_t alignment, size_t size)
{
    return should_fail(__builtin_return_address(0)) ? NULL : __libc_memalign(alignment, size);
}

EXPORT void *aligned_alloc(size_t alignment, size_t size)
{
    return should_fail(__builtin_return_address(0)) ? NULL : __libc_memalign(alignment, size);
}

EXPORT int posix_memalign(void **out, size_t alignment, size_t size)
{
    void *p;

    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0)
        return EINVAL;
    if (should_fail(__builtin_return_address(0)))
        return ENOMEM;
    p = __libc_memalign(alignment, size);
    if (p == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}

/* Counted once, as made by their caller. */
EXPORT char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = should_fail(__builtin_return_address(0)) ? NULL : __libc_malloc(n);

    return copy != NULL ? memcpy(copy, s, n) : NULL;
}

EXPORT char *strndup(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    char *copy = should_fail(__builtin_return_address(0)) ? NULL : __libc_malloc(n + 1);

    if (copy == NULL)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

/* --------------------------------------------------------------- arming */

static void write_report(void)
{
    const char *by = "-", *slash;
    char line[512];
    Dl_info info;
    int fd, n;

    __atomic_store_n(&armed, false, __ATOMIC_RELEASE);
    if (report_path[0] == '\0')
        return;
    if (failed_caller != NULL && dladdr(failed_caller, &info) != 0 && info.dli_fname != NULL)
        by = (slash = strrchr(info.dli_fname, '/')) != NULL ? slash + 1 : info.dli_fname;
    n = snprintf(line, sizeof(line), "calls=%lu failed=%d by=%.400s\n",
                 __atomic_load_n(&calls, __ATOMIC_ACQUIRE),
                 __atomic_load_n(&failed, __ATOMIC_ACQUIRE), by);
    fd = open(report_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    if (write(fd, line, (size_t)n) != n) {
        /* nothing to do: the test sees a short report */
    }
    close(fd);
}

/* A crash: where, on standard error, for the test's log; then die of it. */
static void on_crash(int sig)
{
    static const char head[] = "failmalloc: crashed; backtrace:\n";
    void *frames[64];
    int n = backtrace(frames, 64);

    if (write(2, head, sizeof(head) - 1) < 0)
        _exit(128 + sig);
    backtrace_symbols_fd(frames, n, 2);
    raise(sig); /* SA_RESETHAND: the default action now */
}

static void catch_crashes(void)
{
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };
    struct sigaction sa;
    void *warm[1];
    size_t i;

    (void)backtrace(warm, 1); /* loads what backtrace() needs, before any failure */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_RESETHAND;
    for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
}

static bool is_hookhost(int argc, char **argv)
{
    const char *base;

    if (argc < 1 || argv[0] == NULL)
        return false;
    base = strrchr(argv[0], '/');
    base = base != NULL ? base + 1 : argv[0];
    return strcmp(base, "hookhost") == 0 && !(argc > 1 && strcmp(argv[1], "__worker") == 0);
}

static int wrapped_main(int argc, char **argv, char **envp)
{
    const char *n = getenv("HOOKHOST_FAIL_ALLOC");
    const char *report = getenv("HOOKHOST_FAIL_ALLOC_REPORT");

    if (n != NULL && is_hookhost(argc, argv)) {
        fail_at = strtoul(n, NULL, 10);
        if (report != NULL)
            snprintf(report_path, sizeof(report_path), "%s", report);
        atexit(write_report); /* registered first: runs last */
        catch_crashes();
        __atomic_store_n(&armed, true, __ATOMIC_RELEASE);
    }
    return real_main(argc, argv, envp);
}

/* Start counting when main() starts, not during the dynamic loader's work. */
EXPORT int __libc_start_main(main_fn main_, int argc, char **argv, void *init, void *fini,
                             void *rtld_fini, void *stack_end)
{
    start_fn start = (start_fn)(uintptr_t)dlsym(RTLD_NEXT, "__libc_start_main");

    real_main = main_;
    return start(wrapped_main, argc, argv, init, fini, rtld_fini, stack_end);
}
