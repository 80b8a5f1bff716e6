/*
 * Run the real hookhost command as a child process and capture what it
 * prints, for end-to-end tests.
 */
#ifndef HOOKHOST_TESTS_RUNNER_H
#define HOOKHOST_TESTS_RUNNER_H

#include <stddef.h>

struct hh_run {
    int exit_code;    /* exit status, or 128 + signal number */
    char *out;        /* standard output, NUL-terminated */
    size_t out_len;
    char *err;        /* standard error, NUL-terminated */
    size_t err_len;
    int timed_out;    /* killed (SIGKILL, exit_code 137) after the timeout */
};

/*
 * Run $HOOKHOST_BIN with args (NULL-terminated, without the program name),
 * standard input from stdin_path (or /dev/null when NULL), and wait.
 * Returns 0, or -1 when the child could not be run at all.
 */
int hh_run_hookhost(struct hh_run *run, const char *const args[], const char *stdin_path);

/*
 * The same, killing the child's process group after timeout_s seconds
 * (0: the default, $HOOKHOST_TEST_TIMEOUT or 300; hh_run_hookhost uses
 * it too): run->timed_out is then set and a line says so on stderr.
 * Under valgrind (HOOKHOST_TEST_VALGRIND=1) every timeout is 10 times as
 * long and the child runs as valgrind --leak-check=full ... hookhost ARGS,
 * exit 99 when valgrind found an error (its log is copied to stderr).
 * After a child that a sanitizer or valgrind stopped, its report is copied
 * to the test's standard error too.
 */
int hh_run_hookhost_timeout(struct hh_run *run, const char *const args[],
                            const char *stdin_path, unsigned timeout_s);

/* Is HOOKHOST_TEST_VALGRIND set (children and test programs under valgrind)? */
int hh_test_valgrind(void);

void hh_run_free(struct hh_run *run);

/* $NAME from the test environment, aborting the test when it is unset. */
const char *hh_test_env(const char *name);

/* A path built from an environment directory and a relative name (static buffer per call slot). */
const char *hh_test_path(const char *env_dir, const char *relative);

#endif
