/*
 * End-to-end tests of the shipped plugins through the real hookhost command.
 *
 * The Control Tower plugins are checked case by case against
 * tests/data/controls/<control>/expected.txt, which regen-expected.sh
 * produces with cfn-guard (the oracle): PASS must come back SUCCESS with exit
 * 0; FAIL must come back FAILED/NonCompliant with a "[CT." message and exit
 * 1; ERROR (cfn-guard could not evaluate the file) must come back FAILED with
 * another error code (the hook could not judge) and exit 1.  A case whose
 * resource is not a target of the control must produce no result.  A case
 * whose Properties is not an object is invalid CloudFormation: hookhost
 * refuses the file (exit 2) before any hook runs, whatever cfn-guard says.
 *
 * The same plugins on Terraform plans and Pulumi previews are checked
 * against the hand-written tests/data/controls/{terraform-plan,
 * pulumi-preview,judged-alone}/expected.txt: every result of the three
 * control hooks, its status, annotation and a text its message must hold.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
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

#define PATH_MAX_LEN 4096

struct control {
    const char *dir;       /* under tests/data/controls */
    const char *plugin;    /* file in the plugin directory */
    const char *type_name; /* the hook's type name */
    const char *id;        /* the control id its messages and annotations carry */
    const char *targets[3];
};

static const struct control controls[] = {
    { "ct-s3-pr-1", "ct-s3-pr-1.so", "Hookhost::ControlTower::S3BucketPublicAccess",
      "CT.S3.PR.1", { "AWS::S3::Bucket", NULL, NULL } },
    { "ct-rds-pr-8", "ct-rds-pr-8.so", "Hookhost::ControlTower::RdsBackupRetention",
      "CT.RDS.PR.8", { "AWS::RDS::DBInstance", NULL, NULL } },
    { "ct-ec2-pr-4", "ct-ec2-pr-4.so", "Hookhost::ControlTower::Ec2RestrictedPorts",
      "CT.EC2.PR.4", { "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", NULL } },
};

/* ------------------------------------------------------------- helpers */

/* out = "a/b", failing the test rather than cutting it. */
static void join_path(char *out, size_t size, const char *a, const char *b)
{
    int n = snprintf(out, size, "%s/%s", a, b);

    assert_true(n > 0 && (size_t)n < size);
}

/* A fresh private directory under $HOOKHOST_TEST_BUILDDIR/tmp (ignored by git). */
static void make_temp_dir(char *out, size_t size)
{
    char parent[PATH_MAX_LEN];

    join_path(parent, sizeof(parent), hh_test_env("HOOKHOST_TEST_BUILDDIR"), "tmp");
    assert_true(mkdir(parent, 0700) == 0 || errno == EEXIST);
    join_path(out, size, parent, "controls-XXXXXX");
    assert_non_null(mkdtemp(out));
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX_LEN];
    FILE *f;

    join_path(path, sizeof(path), dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

/* Write a hook file activating plugin with FailureMode FAIL and properties. */
static void write_hook(const char *dir, const char *name, const char *plugin,
                       const char *alias, const char *properties)
{
    char text[2048];

    if (alias != NULL)
        snprintf(text, sizeof(text),
                 "{\"plugin\": \"%s\", \"typeNameAlias\": \"%s\", "
                 "\"CloudFormationConfiguration\": {\"HookConfiguration\": {"
                 "\"TargetStacks\": \"ALL\", \"FailureMode\": \"FAIL\", \"Properties\": %s}}}\n",
                 plugin, alias, properties);
    else
        snprintf(text, sizeof(text),
                 "{\"plugin\": \"%s\", \"CloudFormationConfiguration\": {\"HookConfiguration\": {"
                 "\"TargetStacks\": \"ALL\", \"FailureMode\": \"FAIL\", \"Properties\": %s}}}\n",
                 plugin, properties);
    write_text(dir, name, text);
}

/* Remove dir and the plain files in it. */
static void remove_dir(const char *dir)
{
    struct dirent *e;
    DIR *d = opendir(dir);

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char path[PATH_MAX_LEN];

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        join_path(path, sizeof(path), dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    assert_int_equal(rmdir(dir), 0);
}

/* Run hookhost eval over one template; returns the parsed report or NULL. */
static json_object *run_eval(const char *hooks_dir, const char *template_path,
                             struct hh_run *run)
{
    const char *args[] = {
        "eval", "--hooks-dir", hooks_dir,
        "--plugin-dir", hh_test_env("HOOKHOST_TEST_PLUGIN_DIR"),
        "--format", "json", template_path, NULL,
    };

    assert_int_equal(hh_run_hookhost(run, args, NULL), 0);
    return run->out_len > 0 ? json_tokener_parse(run->out) : NULL;
}

static const char *member_string(json_object *obj, const char *key)
{
    json_object *v;

    if (obj == NULL || !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* The result for logical_id and hook in a report, or NULL. */
static json_object *find_result(json_object *report, const char *logical_id, const char *hook)
{
    json_object *results;
    size_t i;

    if (report == NULL || !json_object_object_get_ex(report, "results", &results))
        return NULL;
    for (i = 0; i < json_object_array_length(results); i++) {
        json_object *r = json_object_array_get_idx(results, i);
        const char *id = member_string(r, "logicalId");
        const char *h = member_string(r, "hook");

        if (id != NULL && h != NULL && strcmp(id, logical_id) == 0 && strcmp(h, hook) == 0)
            return r;
    }
    return NULL;
}

static size_t result_count(json_object *report)
{
    json_object *results;

    if (report == NULL || !json_object_object_get_ex(report, "results", &results))
        return 0;
    return json_object_array_length(results);
}

/* Does the result carry an annotation named name? */
static bool has_annotation(json_object *result, const char *name)
{
    json_object *list;
    size_t i;

    if (!json_object_object_get_ex(result, "annotations", &list))
        return false;
    for (i = 0; i < json_object_array_length(list); i++) {
        const char *n = member_string(json_object_array_get_idx(list, i), "annotationName");

        if (n != NULL && strcmp(n, name) == 0)
            return true;
    }
    return false;
}

/* ----------------------------------------------------- one control case */

/* How the case's resource reaches the host. */
enum case_kind {
    CASE_TARGETED,     /* a target of the control, with object or no Properties */
    CASE_NOT_TARGETED, /* another resource type: no hook runs */
    CASE_INVALID       /* Properties that is not an object: hookhost refuses the file */
};

static enum case_kind case_kind(const struct control *c, const char *path)
{
    json_object *doc = json_object_from_file(path), *res, *target, *type, *props;
    enum case_kind kind = CASE_NOT_TARGETED;
    size_t i;

    assert_non_null(doc);
    assert_true(json_object_object_get_ex(doc, "Resources", &res));
    assert_true(json_object_object_get_ex(res, "Target", &target));
    assert_true(json_object_object_get_ex(target, "Type", &type));
    if (json_object_object_get_ex(target, "Properties", &props) &&
        !json_object_is_type(props, json_type_object)) {
        kind = CASE_INVALID;
    } else {
        for (i = 0; i < 3 && c->targets[i] != NULL; i++) {
            if (strcmp(json_object_get_string(type), c->targets[i]) == 0)
                kind = CASE_TARGETED;
        }
    }
    json_object_put(doc);
    return kind;
}

/* Compare the host's answer with the expected verdict; describe a mismatch in why. */
static bool judge_case(const struct control *c, const char *expected, enum case_kind kind,
                       const struct hh_run *run, json_object *report, char *why, size_t size)
{
    json_object *r = find_result(report, "Target", c->type_name);
    const char *status = member_string(r, "status");
    const char *code = member_string(r, "errorCode");
    const char *message = member_string(r, "message");
    bool pass = strcmp(expected, "PASS") == 0, fail = strcmp(expected, "FAIL") == 0;

    if (kind == CASE_INVALID) {
        snprintf(why, size, "exit %d, %zu results (want the file refused: exit 2)",
                 run->exit_code, result_count(report));
        return run->exit_code == 2 && result_count(report) == 0;
    }
    if (kind == CASE_NOT_TARGETED) {
        snprintf(why, size, "exit %d, result %s (want exit 0 and no result)", run->exit_code,
                 r != NULL ? "present" : "absent");
        return run->exit_code == 0 && r == NULL;
    }
    snprintf(why, size, "exit %d, status %s, errorCode %s, message %.300s", run->exit_code,
             status ? status : "(none)", code ? code : "(none)", message ? message : "(none)");
    if (status == NULL)
        return false;
    if (pass)
        return run->exit_code == 0 && strcmp(status, "SUCCESS") == 0;
    if (run->exit_code != 1 || strcmp(status, "FAILED") != 0 || code == NULL ||
        message == NULL || strncmp(message, "[CT.", 4) != 0 || !has_annotation(r, c->id))
        return false;
    return fail ? strcmp(code, "NonCompliant") == 0 : strcmp(code, "NonCompliant") != 0;
}

/* Run every case of one control; returns the number of mismatches. */
static int check_control(const struct control *c, const char *hooks_dir)
{
    char dir[PATH_MAX_LEN], path[PATH_MAX_LEN], line[512];
    int cases = 0, mismatches = 0;
    FILE *expected;

    join_path(path, sizeof(path), hh_test_env("HOOKHOST_TEST_SRCDIR"), "data/controls");
    join_path(dir, sizeof(dir), path, c->dir);
    join_path(path, sizeof(path), dir, "expected.txt");
    expected = fopen(path, "r");
    assert_non_null(expected);
    while (fgets(line, sizeof(line), expected) != NULL) {
        char name[256], verdict[16], why[1024];
        struct hh_run run;
        json_object *report;
        enum case_kind kind;

        if (line[0] == '#' || line[0] == '\n')
            continue;
        assert_int_equal(sscanf(line, "%255s %15s", name, verdict), 2);
        join_path(path, sizeof(path), dir, name);
        kind = case_kind(c, path);
        report = run_eval(hooks_dir, path, &run);
        if (!judge_case(c, verdict, kind, &run, report, why, sizeof(why))) {
            fprintf(stderr, "%s/%s: expected %s, got %s\n%s", c->dir, name, verdict, why,
                    run.err);
            mismatches++;
        }
        json_object_put(report);
        hh_run_free(&run);
        cases++;
    }
    fclose(expected);
    assert_true(cases > 0);
    printf("%s: %d cases, %d mismatches\n", c->dir, cases, mismatches);
    return mismatches;
}

static void test_control(const struct control *c)
{
    char hooks[PATH_MAX_LEN];
    int mismatches;

    make_temp_dir(hooks, sizeof(hooks));
    write_hook(hooks, "hook.json", c->plugin, NULL, "{}");
    mismatches = check_control(c, hooks);
    remove_dir(hooks);
    assert_int_equal(mismatches, 0);
}

static void test_ct_s3_pr_1(void **state)
{
    (void)state;
    test_control(&controls[0]);
}

static void test_ct_rds_pr_8(void **state)
{
    (void)state;
    test_control(&controls[1]);
}

static void test_ct_ec2_pr_4(void **state)
{
    (void)state;
    test_control(&controls[2]);
}

/* ------------------------------------------- Terraform and Pulumi inputs */

/* A corpus of whole input documents and its hand-written expectations. */
struct engine_corpus {
    const char *dir;    /* under tests/data/controls */
    const char *format; /* hookhost eval --input-format */
};

static const struct engine_corpus engine_corpora[] = {
    { "terraform-plan", "terraform-plan" },
    { "pulumi-preview", "pulumi-preview" },
    { "judged-alone", "cloudformation-template" },
};

#define ENGINE_CASES_MAX 512

/* One line of an engine corpus's expected.txt. */
struct engine_case {
    char file[128];
    char logical_id[512];
    char control[32]; /* a controls[].dir */
    char verdict[8];  /* PASS, SKIP or FAIL */
    char text[512];   /* must appear in the message; may be empty */
};

static const struct control *control_by_dir(const char *dir)
{
    size_t i;

    for (i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
        if (strcmp(controls[i].dir, dir) == 0)
            return &controls[i];
    }
    return NULL;
}

/* Parse "FILE LOGICAL-ID CONTROL VERDICT [TEXT]"; false for a malformed line. */
static bool parse_engine_case(const char *line, struct engine_case *k)
{
    const char *rest;
    int used = 0;
    size_t n;

    memset(k, 0, sizeof(*k));
    if (sscanf(line, "%127s %511s %31s %7s%n", k->file, k->logical_id, k->control, k->verdict,
               &used) != 4)
        return false;
    rest = line + used;
    rest += strspn(rest, " \t");
    n = strcspn(rest, "\r\n");
    if (n >= sizeof(k->text))
        return false;
    memcpy(k->text, rest, n);
    return control_by_dir(k->control) != NULL &&
           (strcmp(k->verdict, "PASS") == 0 || strcmp(k->verdict, "SKIP") == 0 ||
            strcmp(k->verdict, "FAIL") == 0);
}

/* Read dir/expected.txt into a new array of *count cases. */
static struct engine_case *read_engine_cases(const char *dir, size_t *count)
{
    struct engine_case *cases = calloc(ENGINE_CASES_MAX, sizeof(*cases));
    char path[PATH_MAX_LEN], line[1536];
    FILE *f;

    assert_non_null(cases);
    join_path(path, sizeof(path), dir, "expected.txt");
    f = fopen(path, "r");
    assert_non_null(f);
    *count = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        assert_true(*count < ENGINE_CASES_MAX);
        if (!parse_engine_case(line, &cases[*count]))
            fail_msg("%s: malformed line: %s", path, line);
        (*count)++;
    }
    fclose(f);
    assert_true(*count > 0);
    return cases;
}

/* The status of the annotation named name in result, or NULL. */
static const char *annotation_status(json_object *result, const char *name)
{
    json_object *list;
    size_t i;

    if (result == NULL || !json_object_object_get_ex(result, "annotations", &list))
        return NULL;
    for (i = 0; i < json_object_array_length(list); i++) {
        json_object *a = json_object_array_get_idx(list, i);
        const char *n = member_string(a, "annotationName");

        if (n != NULL && strcmp(n, name) == 0)
            return member_string(a, "status");
    }
    return NULL;
}

/* Does the report hold the result k expects?  Describe it in why. */
static bool judge_engine_case(const struct engine_case *k, json_object *report, char *why,
                              size_t size)
{
    const struct control *c = control_by_dir(k->control);
    json_object *r = find_result(report, k->logical_id, c->type_name);
    const char *status = member_string(r, "status");
    const char *code = member_string(r, "errorCode");
    const char *message = member_string(r, "message");
    const char *annotation = annotation_status(r, c->id);
    bool ok;

    snprintf(why, size, "status %s, errorCode %s, annotation %s, message %.600s",
             status ? status : "(none)", code ? code : "(none)",
             annotation ? annotation : "(none)", message ? message : "(none)");
    if (status == NULL || message == NULL || annotation == NULL)
        return false;
    if (strcmp(k->verdict, "FAIL") == 0)
        ok = strcmp(status, "FAILED") == 0 && code != NULL &&
             strcmp(code, "NonCompliant") == 0 && strncmp(message, "[CT.", 4) == 0 &&
             strcmp(annotation, "FAILED") == 0;
    else
        ok = strcmp(status, "SUCCESS") == 0 &&
             strcmp(annotation, strcmp(k->verdict, "PASS") == 0 ? "PASSED" : "SKIPPED") == 0;
    return ok && strstr(message, k->text) != NULL;
}

/* Run hookhost eval --input-format format over one input document. */
static json_object *run_engine_eval(const char *hooks_dir, const char *format,
                                    const char *path, struct hh_run *run)
{
    const char *args[] = {
        "eval", "--hooks-dir", hooks_dir,
        "--plugin-dir", hh_test_env("HOOKHOST_TEST_PLUGIN_DIR"),
        "--format", "json", "--input-format", format, path, NULL,
    };

    assert_int_equal(hh_run_hookhost(run, args, NULL), 0);
    return run->out_len > 0 ? json_tokener_parse(run->out) : NULL;
}

/* Did hookhost refuse the run because it cannot read this input format? */
static bool format_unsupported(const struct hh_run *run)
{
    static const char *const signs[] = {
        "unknown option", "input-format", "input format", "not a CloudFormation template",
        "not a recognised input",
    };
    size_t i;

    if (run->exit_code != 2)
        return false;
    for (i = 0; i < sizeof(signs) / sizeof(signs[0]); i++) {
        if (strstr(run->err, signs[i]) != NULL)
            return true;
    }
    return false;
}

/*
 * Check the cases [first, first + n) of one file; returns the mismatches,
 * or -1 when hookhost cannot read the format at all.
 */
static int check_engine_file(const struct engine_corpus *e, const char *dir, const char *hooks,
                             const struct engine_case *cases, size_t n)
{
    char path[PATH_MAX_LEN], why[1024];
    int mismatches = 0, want_exit = 0;
    struct hh_run run;
    json_object *report;
    size_t i;

    join_path(path, sizeof(path), dir, cases[0].file);
    report = run_engine_eval(hooks, e->format, path, &run);
    if (report == NULL && format_unsupported(&run)) {
        hh_run_free(&run);
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (strcmp(cases[i].verdict, "FAIL") == 0)
            want_exit = 1;
        if (!judge_engine_case(&cases[i], report, why, sizeof(why))) {
            fprintf(stderr, "%s/%s: %s under %s: expected %s%s%s, got %s\n%s", e->dir,
                    cases[i].file, cases[i].logical_id, cases[i].control, cases[i].verdict,
                    cases[i].text[0] ? " with " : "", cases[i].text, why, run.err);
            mismatches++;
        }
    }
    /* Nothing else judged, and the exit status follows the FAIL-mode hooks. */
    if (result_count(report) != n || run.exit_code != want_exit) {
        fprintf(stderr, "%s/%s: %zu results and exit %d, expected %zu and exit %d\n%s",
                e->dir, cases[0].file, result_count(report), run.exit_code, n, want_exit,
                run.err);
        mismatches++;
    }
    json_object_put(report);
    hh_run_free(&run);
    return mismatches;
}

static void test_engine_corpus(const struct engine_corpus *e)
{
    char hooks[PATH_MAX_LEN], dir[PATH_MAX_LEN], path[PATH_MAX_LEN];
    struct engine_case *cases;
    size_t count, first, n;
    int mismatches = 0, rc = 0;

    join_path(path, sizeof(path), hh_test_env("HOOKHOST_TEST_SRCDIR"), "data/controls");
    join_path(dir, sizeof(dir), path, e->dir);
    cases = read_engine_cases(dir, &count);
    make_temp_dir(hooks, sizeof(hooks));
    write_hook(hooks, "10-s3.json", "ct-s3-pr-1.so", NULL, "{}");
    write_hook(hooks, "20-rds.json", "ct-rds-pr-8.so", NULL, "{}");
    write_hook(hooks, "30-ec2.json", "ct-ec2-pr-4.so", NULL, "{}");
    /* The lines of one file follow each other: one hookhost run per file. */
    for (first = 0; first < count && rc >= 0; first += n) {
        for (n = 1; first + n < count && strcmp(cases[first + n].file, cases[first].file) == 0;
             n++)
            ;
        rc = check_engine_file(e, dir, hooks, cases + first, n);
        if (rc > 0)
            mismatches += rc;
    }
    remove_dir(hooks);
    free(cases);
    if (rc < 0) {
        printf("%s: hookhost cannot read %s input: %zu cases skipped\n", e->dir, e->format,
               count);
        skip();
    }
    printf("%s: %zu cases, %d mismatches\n", e->dir, count, mismatches);
    assert_int_equal(mismatches, 0);
}

static void test_terraform_plans(void **state)
{
    (void)state;
    test_engine_corpus(&engine_corpora[0]);
}

static void test_pulumi_previews(void **state)
{
    (void)state;
    test_engine_corpus(&engine_corpora[1]);
}

static void test_engine_types_judged_alone(void **state)
{
    (void)state;
    test_engine_corpus(&engine_corpora[2]);
}

/* ------------------------------------------------- instance types, noop */

#define MIXED_TEMPLATE "data/controls/instance-type/mixed.json"
#define DEV_HOOK "Org::Dev::SmallInstances"
#define PROD_HOOK "Org::Prod::Instances"

/* Each resource of instance-type/mixed.json, judged by both activations. */
static const struct {
    const char *logical_id;
    const char *dev;  /* SUCCESS or FAILED under ["t3.*", "t3a.micro"] */
    const char *prod; /* under ["m5.large", "m?i.xlarge", "t3.micro"] */
} instance_cases[] = {
    { "SmallInstance", "SUCCESS", "SUCCESS" },
    { "LargeInstance", "FAILED", "SUCCESS" },
    { "XlargeInstance", "FAILED", "SUCCESS" },
    { "DefaultTypeInstance", "FAILED", "FAILED" },  /* m1.small */
    { "NoPropertiesInstance", "FAILED", "FAILED" }, /* m1.small */
    { "ParameterInstance", "FAILED", "FAILED" },    /* cannot be verified */
    { "ConditionalInstance", "FAILED", "FAILED" },
    { "UppercaseInstance", "FAILED", "FAILED" },    /* names are case-sensitive */
    { "SmallTemplate", "SUCCESS", "FAILED" },
    { "EmptyTemplate", "FAILED", "FAILED" },
    { "LargeLaunchConfiguration", "FAILED", "FAILED" },
};

#define INSTANCE_CASES (sizeof(instance_cases) / sizeof(instance_cases[0]))

static void expect_instance_result(json_object *report, const char *logical_id,
                                   const char *hook, const char *status)
{
    json_object *r = find_result(report, logical_id, hook);
    const char *got = member_string(r, "status");

    if (got == NULL || strcmp(got, status) != 0)
        fprintf(stderr, "%s under %s: expected %s, got %s (%s)\n", logical_id, hook, status,
                got ? got : "no result", member_string(r, "message"));
    assert_non_null(got);
    assert_string_equal(got, status);
    if (strcmp(status, "FAILED") == 0)
        assert_string_equal(member_string(r, "errorCode"), "NonCompliant");
}

static void test_instance_type_two_configurations(void **state)
{
    char hooks[PATH_MAX_LEN];
    struct hh_run run;
    json_object *report;
    const char *tpl = hh_test_path("HOOKHOST_TEST_SRCDIR", MIXED_TEMPLATE);
    size_t i;

    (void)state;
    make_temp_dir(hooks, sizeof(hooks));
    write_hook(hooks, "dev.json", "ec2-instance-type.so", DEV_HOOK,
               "{\"AllowedInstanceTypes\": [\"t3.*\", \"t3a.micro\"]}");
    write_hook(hooks, "prod.json", "ec2-instance-type.so", PROD_HOOK,
               "{\"AllowedInstanceTypes\": [\"m5.large\", \"m?i.xlarge\", \"t3.micro\"]}");
    report = run_eval(hooks, tpl, &run);
    if (report == NULL)
        fprintf(stderr, "%s", run.err);
    assert_non_null(report);
    assert_int_equal(run.exit_code, 1);
    for (i = 0; i < INSTANCE_CASES; i++) {
        expect_instance_result(report, instance_cases[i].logical_id, DEV_HOOK,
                               instance_cases[i].dev);
        expect_instance_result(report, instance_cases[i].logical_id, PROD_HOOK,
                               instance_cases[i].prod);
    }
    /* The bucket is no target; each hook judged every other resource once. */
    assert_null(find_result(report, "Bucket", DEV_HOOK));
    assert_int_equal(result_count(report), 2 * INSTANCE_CASES);
    json_object_put(report);
    hh_run_free(&run);
    remove_dir(hooks);
}

static void test_instance_type_bad_configuration(void **state)
{
    static const char *const configs[] = {
        "{}",
        "{\"AllowedInstanceTypes\": []}",
        "{\"AllowedInstanceTypes\": [\"T3.MICRO\"]}",
        "{\"AllowedInstanceTypes\": [\"t3.micro\", \"t3.micro\"]}",
        "{\"AllowedInstanceTypes\": [\"t3.micro\"], \"Extra\": true}",
    };
    const char *tpl = hh_test_path("HOOKHOST_TEST_SRCDIR", MIXED_TEMPLATE);
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
        char hooks[PATH_MAX_LEN];
        struct hh_run run;
        json_object *report;

        make_temp_dir(hooks, sizeof(hooks));
        write_hook(hooks, "hook.json", "ec2-instance-type.so", NULL, configs[i]);
        report = run_eval(hooks, tpl, &run);
        if (run.exit_code != 2)
            fprintf(stderr, "configuration %s: exit %d\n", configs[i], run.exit_code);
        assert_int_equal(run.exit_code, 2);
        json_object_put(report);
        hh_run_free(&run);
        remove_dir(hooks);
    }
}

static void test_noop(void **state)
{
    char hooks[PATH_MAX_LEN];
    struct hh_run run;
    json_object *report, *results;
    const char *tpl = hh_test_path("HOOKHOST_TEST_SRCDIR", MIXED_TEMPLATE);
    size_t i;

    (void)state;
    make_temp_dir(hooks, sizeof(hooks));
    write_hook(hooks, "noop.json", "noop.so", NULL, "{}");
    report = run_eval(hooks, tpl, &run);
    assert_non_null(report);
    assert_int_equal(run.exit_code, 0);
    assert_string_equal(member_string(report, "verdict"), "PASS");
    assert_true(json_object_object_get_ex(report, "results", &results));
    /* "*" targets every resource, the bucket included. */
    assert_int_equal(json_object_array_length(results), INSTANCE_CASES + 1);
    for (i = 0; i < json_object_array_length(results); i++)
        assert_string_equal(member_string(json_object_array_get_idx(results, i), "status"),
                            "SUCCESS");
    json_object_put(report);
    hh_run_free(&run);
    remove_dir(hooks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ct_s3_pr_1),
        cmocka_unit_test(test_ct_rds_pr_8),
        cmocka_unit_test(test_ct_ec2_pr_4),
        cmocka_unit_test(test_terraform_plans),
        cmocka_unit_test(test_pulumi_previews),
        cmocka_unit_test(test_engine_types_judged_alone),
        cmocka_unit_test(test_instance_type_two_configurations),
        cmocka_unit_test(test_instance_type_bad_configuration),
        cmocka_unit_test(test_noop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
