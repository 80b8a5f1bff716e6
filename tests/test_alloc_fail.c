#include "config.h"

/*
 * Allocation failures, as curl's torture mode tests them: run `hookhost
 * eval` on a small template with every shipped hook (in-process, so that
 * one process makes every allocation), with the LD_PRELOAD shim
 * tests/alloc-fail/failmalloc.c making the N-th allocation after main()
 * starts fail, for N = 1, 2, 3, ... until a run no longer reaches the
 * N-th allocation.  Each run must either
 *
 *   - exit 2 with exactly one line on standard error saying "out of
 *     memory", or
 *   - succeed as if nothing had happened: the verdict's exit status and a
 *     complete report, every (resource, hook) result of the run without
 *     failure; a result may differ only by being HOOK_FAILED, a hook that
 *     could not judge (a plugin whose own allocation failed says so),
 *
 * and never end by a signal, hang (each run has a timeout) or exit without
 * running its atexit handlers (the shim reports from one).
 *
 * How many: every N up to the number of allocations of a run without
 * failure when that is at most ALL_MAX; beyond, every N of the first
 * HEAD_SPAN (startup, arguments, configuration, plugin loading) and of
 * the last TAIL_SPAN (reports, cleanup), and a stride through the middle
 * so that about SAMPLES runs are made.  HOOKHOST_TEST_ALLOC_FAIL_ALL=1
 * runs every N.
 *
 * What the libraries hookhost uses do out of memory, and how hookhost
 * copes (found by this test):
 *   - json-c 0.16's tokener crashes when it cannot copy a member name
 *     (json_object_object_add takes strlen(NULL)) and otherwise drops
 *     members, elements and string bytes without an error (json-c 0.17
 *     added json_tokener_error_memory): hookhost parses JSON with its own
 *     parser (host/json_parse.c) and never calls the tokener;
 *   - json_object_to_json_string*() return NULL when their print buffer
 *     cannot be allocated: every caller checks;
 *   - json-c 0.16's json_object_object_add() leaks its copy of the member
 *     name when its hash table cannot grow: a leak on that failure only;
 *   - glibc's regexec() returns REG_NOMATCH when it runs out of memory: a
 *     mismatch is confirmed by a second regexec (host/schema_validate.c);
 *   - an allocation failing inside the dynamic loader (dlopen) reaches
 *     hookhost through libltdl as "file not found": hookhost can only say
 *     "not a loadable library: file not found".  This one known limit is
 *     accepted when the shim says the failed allocation was the dynamic
 *     loader's or libltdl's (by=ld-linux-x86-64.so.2, by=libltdl.so.7).
 * Skipped (exit 77) under --enable-sanitizers, whose allocator cannot run
 * behind an LD_PRELOAD shim, and under valgrind, which replaces every
 * library's malloc, the shim's too (the shim then never counts).
 */

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "runner.h"

#define CHILD_TIMEOUT 60   /* seconds */
#define ALL_MAX 3000
#define HEAD_SPAN 600
#define TAIL_SPAN 300
#define SAMPLES 2500

#define HOOK(file, alias, props) \
    "{\"plugin\":\"" file "\"," alias "\"isolation\":\"in-process\"," \
    "\"CloudFormationConfiguration\":{\"HookConfiguration\":{" \
    "\"HookInvocationStatus\":\"ENABLED\",\"TargetStacks\":\"ALL\",\"FailureMode\":\"FAIL\"" \
    props "}}}"

static const struct {
    const char *name;
    const char *text;
} hook_files[] = {
    { "10-s3.json", HOOK("ct-s3-pr-1.so", "", "") },
    { "20-rds.json", HOOK("ct-rds-pr-8.so", "", "") },
    { "30-ec2.json", HOOK("ct-ec2-pr-4.so", "", "") },
    { "40-types.json", HOOK("ec2-instance-type.so", "\"typeNameAlias\":\"Example::Dev::Types\",",
                            ",\"Properties\":{\"AllowedInstanceTypes\":[\"t3.micro\",\"t4g.*\"]}") },
    { "50-noop.json", HOOK("noop.so", "", "") },
};

static const char template_text[] =
    "{\"Resources\":{"
    "\"Bucket\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{\"PublicAccessBlockConfiguration\":{"
    "\"BlockPublicAcls\":true,\"BlockPublicPolicy\":true,\"IgnorePublicAcls\":true,"
    "\"RestrictPublicBuckets\":true}}},"
    "\"OpenBucket\":{\"Type\":\"AWS::S3::Bucket\"},"
    "\"Db\":{\"Type\":\"AWS::RDS::DBInstance\",\"Properties\":{\"BackupRetentionPeriod\":3}},"
    "\"Sg\":{\"Type\":\"AWS::EC2::SecurityGroup\",\"Properties\":{\"SecurityGroupIngress\":["
    "{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"CidrIp\":\"0.0.0.0/0\"}]}},"
    "\"Vm\":{\"Type\":\"AWS::EC2::Instance\",\"Properties\":{\"InstanceType\":\"m5.24xlarge\"}}"
    "}}";

struct world {
    char dir[PATH_MAX];
    char hooks[PATH_MAX];
    char template_path[PATH_MAX];
    char report[PATH_MAX];      /* the shim's report */
    char shim[PATH_MAX];
    int base_exit;
    char *base_out;             /* the report of the run without failure */
    json_object *base_results;  /* its results */
    unsigned long base_calls;
};

static struct world W;

/* ------------------------------------------------------------------ setup */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        fail_msg("cannot create %s: %s", path, strerror(errno));
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void join(char *out, const char *dir, const char *name)
{
    int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

    assert_true(n > 0 && n < PATH_MAX);
}

/* ---------------------------------------------------------------- running */

struct outcome {
    struct hh_run run;
    bool reported;            /* the shim wrote its report: exit() ran */
    unsigned long calls;
    int failed;               /* the N-th allocation was made to fail */
    char by[256];             /* the library that asked for it */
};

/* Run hookhost eval with allocation fail_at failing (0: none). */
static void run_eval(unsigned long fail_at, struct outcome *o)
{
    const char *args[] = { "eval", "--hooks-dir", W.hooks,
                           "--plugin-dir", hh_test_env("HOOKHOST_TEST_PLUGIN_DIR"),
                           "--format", "json", "--jobs", "1", W.template_path, NULL };
    char n[32];
    FILE *f;

    memset(o, 0, sizeof(*o));
    snprintf(n, sizeof(n), "%lu", fail_at);
    unlink(W.report);
    assert_int_equal(setenv("HOOKHOST_FAIL_ALLOC", n, 1), 0);
    assert_int_equal(setenv("HOOKHOST_FAIL_ALLOC_REPORT", W.report, 1), 0);
    assert_int_equal(setenv("LD_PRELOAD", W.shim, 1), 0);
    assert_int_equal(hh_run_hookhost_timeout(&o->run, args, NULL, CHILD_TIMEOUT), 0);
    unsetenv("LD_PRELOAD");
    unsetenv("HOOKHOST_FAIL_ALLOC");
    unsetenv("HOOKHOST_FAIL_ALLOC_REPORT");
    f = fopen(W.report, "r");
    if (f != NULL) {
        o->reported = fscanf(f, "calls=%lu failed=%d by=%255s", &o->calls, &o->failed,
                             o->by) == 3;
        fclose(f);
    }
}

static json_object *results_of(const char *report)
{
    json_object *doc = json_tokener_parse(report), *results = NULL;

    if (doc != NULL && json_object_object_get_ex(doc, "results", &results))
        json_object_get(results);
    json_object_put(doc);
    return results != NULL && json_object_is_type(results, json_type_array) ? results : NULL;
}

static const char *member(json_object *o, const char *key)
{
    json_object *v = NULL;

    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

/*
 * A report of a run whose allocation failed but that went on: every result
 * of the baseline, each the same or HOOK_FAILED.  NULL, or what is wrong.
 */
static const char *compare_results(const char *report)
{
    json_object *results = results_of(report);
    const char *why = NULL;
    size_t i;

    if (results == NULL)
        return "the report is not JSON with a results array";
    if (json_object_array_length(results) != json_object_array_length(W.base_results))
        why = "results are missing (or extra)";
    for (i = 0; why == NULL && i < json_object_array_length(results); i++) {
        json_object *got = json_object_array_get_idx(results, i);
        json_object *want = json_object_array_get_idx(W.base_results, i);

        if (strcmp(member(got, "logicalId"), member(want, "logicalId")) != 0 ||
            strcmp(member(got, "hook"), member(want, "hook")) != 0)
            why = "a result is missing: not the baseline's resources and hooks";
        else if (strcmp(member(got, "hookStatus"), member(want, "hookStatus")) != 0 &&
                 strcmp(member(got, "hookStatus"), "HOOK_FAILED") != 0)
            why = "a verdict changed (not to HOOK_FAILED)";
    }
    json_object_put(results);
    return why;
}

static bool one_line(const char *err)
{
    const char *nl = strchr(err, '\n');

    return nl != NULL && nl[1] == '\0' && strncmp(err, "hookhost: ", 10) == 0;
}

/* One line saying out of memory (as hookhost, the C library or libltdl say it). */
static bool one_line_oom(const char *err)
{
    return one_line(err) && (strstr(err, "out of memory") != NULL ||
                             strstr(err, "Cannot allocate memory") != NULL);
}

/* The known limit: dlopen out of memory, which libltdl reports as another error. */
static bool dlopen_limit(const struct outcome *o)
{
    return (strncmp(o->by, "ld-linux", 8) == 0 || strncmp(o->by, "libltdl", 7) == 0) &&
           one_line(o->run.err) && strstr(o->run.err, "not a loadable library") != NULL;
}

struct tally {
    unsigned runs, oom_exits, dlopen_limits, went_on, failures;
};

/* Check one run; true when the N-th allocation was reached (go on). */
static bool check_run(unsigned long n, struct tally *t)
{
    struct outcome o;
    const char *problem = NULL;
    bool reached;

    run_eval(n, &o);
    t->runs++;
    reached = !o.reported || o.failed;
    if (o.run.timed_out)
        problem = "hung (killed after the timeout)";
    else if (o.run.exit_code > 128)
        problem = "killed by a signal";
    else if (!o.reported)
        problem = "exited without running its atexit handlers (no report from the shim)";
    else if (!o.failed && (o.run.exit_code != W.base_exit || strcmp(o.run.out, W.base_out) != 0))
        problem = "without a failure, not the same as the baseline";
    else if (o.failed && o.run.exit_code == 2 && dlopen_limit(&o))
        t->dlopen_limits++;
    else if (o.failed && o.run.exit_code == 2 && !one_line_oom(o.run.err))
        problem = "exit 2 without exactly one line saying out of memory";
    else if (o.failed && o.run.exit_code == 2)
        t->oom_exits++;
    else if (o.failed && o.run.exit_code != W.base_exit)
        problem = "neither exit 2 nor the baseline's exit status";
    else if (o.failed && (problem = compare_results(o.run.out)) == NULL)
        t->went_on++;
    if (problem != NULL) {
        t->failures++;
        print_error("FAIL allocation %lu of %lu (asked for by %s): %s\n  exit %d\n"
                    "  stderr: %.3000s\n  stdout: %.300s\n", n, o.calls, o.by, problem,
                    o.run.exit_code, o.run.err, o.run.out);
    }
    hh_run_free(&o.run);
    return reached;
}

/* The next N to try after n. */
static unsigned long next_n(unsigned long n, unsigned long total)
{
    unsigned long stride;
    const char *all = getenv("HOOKHOST_TEST_ALLOC_FAIL_ALL");

    if ((all != NULL && strcmp(all, "1") == 0) || total <= ALL_MAX)
        return n + 1;
    if (n < HEAD_SPAN || n + TAIL_SPAN >= total)
        return n + 1;
    stride = (total - HEAD_SPAN - TAIL_SPAN) / (SAMPLES - HEAD_SPAN - TAIL_SPAN) + 1;
    n += stride;
    return n + TAIL_SPAN >= total ? total - TAIL_SPAN : n;
}

static void test_every_allocation(void **state)
{
    struct tally t = { 0, 0, 0, 0, 0 };
    unsigned long n = 1;

    (void)state;
    /* Go on while the N-th allocation is reached; a few past the baseline's count. */
    while (check_run(n, &t) || n <= W.base_calls) {
        n = n > W.base_calls ? n + 1 : next_n(n, W.base_calls);
        if (n > W.base_calls + 16) {
            print_error("FAIL allocation %lu is still reached, %lu after the baseline's last\n",
                        n, n - W.base_calls);
            t.failures++;
            break;
        }
    }
    print_message("%lu allocations in a run; %u runs: %u exited 2 out of memory, %u went on "
                  "with a complete report, %u hit the known dlopen limit, %u failed\n",
                  W.base_calls, t.runs, t.oom_exits, t.went_on, t.dlopen_limits, t.failures);
    assert_int_equal(t.failures, 0);
}

static int setup(void **state)
{
    struct outcome o;
    char path[PATH_MAX];
    size_t i;

    (void)state;
    snprintf(W.dir, sizeof(W.dir), "%s/alloc-fail-XXXXXX", hh_test_env("HOOKHOST_TEST_BUILDDIR"));
    if (mkdtemp(W.dir) == NULL)
        return -1;
    chmod(W.dir, 0755);
    join(W.hooks, W.dir, "hooks");
    assert_int_equal(mkdir(W.hooks, 0755), 0);
    for (i = 0; i < sizeof(hook_files) / sizeof(hook_files[0]); i++) {
        join(path, W.hooks, hook_files[i].name);
        write_text(path, hook_files[i].text);
    }
    join(W.template_path, W.dir, "template.json");
    write_text(W.template_path, template_text);
    join(W.report, W.dir, "shim-report");
    snprintf(W.shim, sizeof(W.shim), "%s", hh_test_path("HOOKHOST_TEST_BAD_PLUGIN_DIR",
                                                       "failmalloc.so"));
    unsetenv("HOOKHOST_CONFIG");
    unsetenv("HOOKHOST_REGISTRY");
    /* The baseline: counting, nothing failing. */
    run_eval(0, &o);
    if (!o.reported || o.run.exit_code > 2 || o.run.exit_code == 2)
        fail_msg("baseline run: exit %d, shim report %s: %s", o.run.exit_code,
                 o.reported ? "written" : "missing", o.run.err);
    W.base_exit = o.run.exit_code;
    W.base_calls = o.calls;
    W.base_out = o.run.out;
    o.run.out = NULL;
    W.base_results = results_of(W.base_out);
    if (W.base_results == NULL || json_object_array_length(W.base_results) < 5)
        fail_msg("baseline run: no results: %s", W.base_out);
    hh_run_free(&o.run);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(W.base_out);
    json_object_put(W.base_results);
    return nftw(W.dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_allocation, setup, teardown),
    };

#if defined(__SANITIZE_ADDRESS__)
    puts("SKIP: built with AddressSanitizer, whose allocator cannot run behind the shim");
    return 77;
#endif
    if (hh_test_valgrind()) {
        puts("SKIP: valgrind replaces every library's malloc, the shim's too");
        return 77;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
