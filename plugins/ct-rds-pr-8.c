/*
 * CT.RDS.PR.8: an RDS DB instance of one of the listed engines must keep
 * automated backups for at least 7 days (BackupRetentionPeriod >= 7).
 *
 * Judged as the Control Tower cfn-guard rule judges it (see README.md): the
 * engine must be one of the listed strings exactly, or the instance is not
 * judged; the period must be an integer, so "7" (a string) and 7.0 fail.
 * Terraform's aws_db_instance and Pulumi's aws:rds/instance:Instance are
 * judged the same way on engine and backup_retention_period
 * (backupRetentionPeriod); a value known only after apply is a string, so
 * it matches nothing.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "plugin_util.h"

static const struct pu_control control = {
    "CT.RDS.PR.8",
    "Require an Amazon RDS database instance to have automatic backups configured",
    "Set 'BackupRetentionPeriod' to an integer value between 7 and 35 days (inclusive).",
    HH_SEVERITY_MEDIUM,
};

#define TARGET_TYPE "AWS::RDS::DBInstance"

static const char *const engines[] = {
    "mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb",
    "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web", NULL,
};

static const int64_t min_retention = 7;

/* What judging the properties found. */
struct verdict {
    struct pu_buf reasons; /* why it fails; empty when it does not */
    struct pu_buf note;    /* why it passes or is skipped */
    size_t judged;         /* DB instances whose engine is covered */
};

/* Start a reason; label names the DB instance when Properties is a list. */
static void add_reason_prefix(struct verdict *vd, const char *label)
{
    if (vd->reasons.len > 0)
        pu_buf_add(&vd->reasons, "; ");
    pu_buf_add(&vd->reasons, label);
}

/* Is the engine at base one the control covers?  If not, say why in note. */
static bool engine_covered(const struct pu_doc *doc, const char *base, struct verdict *vd)
{
    struct pu_pointer p;
    struct hh_value v;

    if (pu_guard_key(doc, base, "Engine", &p, &v) != HH_OK) {
        pu_buf_add(&vd->note, "Engine is not set");
        return false;
    }
    /* A list or an intrinsic function is not a string: cfn-guard skips it. */
    if (v.type != HH_VALUE_STRING || !pu_pred_string_in(&v, engines)) {
        pu_buf_add(&vd->note, "Engine is ");
        pu_buf_describe(&vd->note, doc, p.text, &v);
        pu_buf_add(&vd->note, v.type == HH_VALUE_STRING
                                  ? ", not one of the engines the control covers"
                                  : ", not a string naming a covered engine");
        return false;
    }
    return true;
}

/*
 * Judge the DB instance properties at base (an object); label names it in
 * reasons ("" or "Properties[i]: ").
 */
static void check_instance(const struct pu_doc *doc, const char *base, const char *label,
                           struct verdict *vd)
{
    struct pu_pointer p;
    struct hh_value v;

    if (!engine_covered(doc, base, vd))
        return;
    vd->judged++;
    if (pu_guard_key(doc, base, "BackupRetentionPeriod", &p, &v) != HH_OK) {
        add_reason_prefix(vd, label);
        pu_buf_add(&vd->reasons, "BackupRetentionPeriod is not set (RDS then keeps backups "
                                 "for 1 day)");
        return;
    }
    if (pu_guard_all(doc, p.text, &v, pu_pred_int_ge, &min_retention)) {
        pu_buf_add(&vd->note, "BackupRetentionPeriod is ");
        pu_buf_describe(&vd->note, doc, p.text, &v);
        return;
    }
    add_reason_prefix(vd, label);
    pu_buf_add(&vd->reasons, "BackupRetentionPeriod is ");
    pu_buf_describe(&vd->reasons, doc, p.text, &v);
    if (v.type == HH_VALUE_INTEGER && v.integer == 0)
        pu_buf_add(&vd->reasons, " (automated backups disabled)");
    pu_buf_add(&vd->reasons, v.type == HH_VALUE_ARRAY
                                 ? ", not all of whose items are integers of at least 7"
                                 : ", not an integer of at least 7");
}

/*
 * cfn-guard filters a list of properties item by item: each object item is
 * a DB instance, anything else is not judged.
 */
static void check_list(const struct pu_doc *doc, size_t count, struct verdict *vd)
{
    size_t i;

    for (i = 0; i < count; i++) {
        struct pu_pointer p;
        struct hh_value item;
        char label[48];

        pu_pointer_init(&p, "");
        pu_pointer_index(&p, i);
        if (pu_get(doc, p.text, &item) != HH_OK || item.type != HH_VALUE_OBJECT)
            continue;
        snprintf(label, sizeof(label), "Properties[%zu]: ", i);
        if (vd->note.len > 0)
            pu_buf_add(&vd->note, "; ");
        pu_buf_add(&vd->note, label);
        check_instance(doc, p.text, label, vd);
    }
}

static void judge(const struct pu_doc *doc, int32_t rc, const struct hh_value *props,
                  struct verdict *vd)
{
    if (rc == HH_ERR_NOT_FOUND) {
        /* cfn-guard fails a DB instance without Properties (it skips null ones). */
        pu_buf_add(&vd->reasons, "the DB instance has no Properties, so neither Engine nor "
                                 "BackupRetentionPeriod is set");
    } else if (props->type == HH_VALUE_OBJECT) {
        check_instance(doc, "", "", vd);
    } else if (props->type == HH_VALUE_ARRAY) {
        check_list(doc, props->length, vd);
    } else {
        pu_buf_add(&vd->note, "Properties is ");
        pu_buf_describe(&vd->note, doc, "", props);
        pu_buf_add(&vd->note, ", not an object");
    }
}

/* A DB instance type and how its engine names the two properties. */
struct rds_target {
    const char *type;
    const char *engine;    /* the Engine property */
    const char *retention; /* the BackupRetentionPeriod property */
};

static const struct rds_target rds_targets[] = {
    { TARGET_TYPE, "Engine", "BackupRetentionPeriod" },
    { "aws_db_instance", "engine", "backup_retention_period" },
    { "aws:rds/instance:Instance", "engine", "backupRetentionPeriod" },
};

#define TARGET_COUNT (sizeof(rds_targets) / sizeof(rds_targets[0]))

/* Terraform or Pulumi: is the engine one the control covers?  If not, say why. */
static bool attr_engine_covered(const struct pu_doc *doc, const struct rds_target *t,
                                struct verdict *vd)
{
    struct pu_pointer p;
    struct hh_value v;

    if (pu_attr(doc, "", t->engine, &p, &v) != HH_OK) {
        pu_buf_addf(&vd->note, "%s is not set", t->engine);
        return false;
    }
    if (pu_pred_string_in(&v, engines))
        return true;
    pu_buf_addf(&vd->note, "%s is ", t->engine);
    pu_buf_describe_attr(&vd->note, doc, p.text, &v);
    if (pu_is_unknown(&v))
        pu_buf_add(&vd->note, ", so it cannot be judged");
    else
        pu_buf_add(&vd->note, v.type == HH_VALUE_STRING
                                  ? ", not one of the engines the control covers"
                                  : ", not a string naming a covered engine");
    return false;
}

/*
 * Terraform or Pulumi: judge the DB instance attributes (an object).  The
 * attributes have a schema type, so a list is no integer: cfn-guard's
 * item-by-item reading of lists does not apply.
 */
static void check_attrs(const struct pu_doc *doc, const struct rds_target *t,
                        struct verdict *vd)
{
    struct pu_pointer p;
    struct hh_value v;

    if (!attr_engine_covered(doc, t, vd))
        return;
    vd->judged++;
    if (pu_attr(doc, "", t->retention, &p, &v) != HH_OK) {
        pu_buf_addf(&vd->reasons, "%s is not set (RDS then keeps backups for 1 day)",
                    t->retention);
        return;
    }
    if (pu_pred_int_ge(&v, &min_retention)) {
        pu_buf_addf(&vd->note, "%s is %lld", t->retention, (long long)v.integer);
        return;
    }
    pu_buf_addf(&vd->reasons, "%s is ", t->retention);
    pu_buf_describe_attr(&vd->reasons, doc, p.text, &v);
    if (v.type == HH_VALUE_INTEGER && v.integer == 0)
        pu_buf_add(&vd->reasons, " (automated backups disabled)");
    pu_buf_add(&vd->reasons, pu_is_unknown(&v) ? ", so it cannot be verified"
                                               : ", not an integer of at least 7");
}

static void judge_attrs(const struct pu_doc *doc, const struct rds_target *t, int32_t rc,
                        const struct hh_value *props, struct verdict *vd)
{
    if (rc == HH_ERR_NOT_FOUND) {
        pu_buf_addf(&vd->reasons, "the DB instance has no properties, so neither %s nor %s "
                    "is set", t->engine, t->retention);
    } else if (props->type == HH_VALUE_OBJECT) {
        check_attrs(doc, t, vd);
    } else {
        pu_buf_add(&vd->reasons, "the DB instance's properties are ");
        pu_buf_describe_attr(&vd->reasons, doc, "", props);
        pu_buf_add(&vd->reasons, ", not an object");
    }
}

static const struct rds_target *find_target(const char *type)
{
    size_t i;

    for (i = 0; i < TARGET_COUNT; i++) {
        if (strcmp(type, rds_targets[i].type) == 0)
            return &rds_targets[i];
    }
    return NULL;
}

static void HH_CALL rds_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    const struct hh_host_api *host = ((const struct pu_instance *)instance)->host;
    const struct rds_target *t = find_target(req->target_type);
    struct pu_doc doc = { host, ctx, HH_DOC_PROPERTIES };
    char reasons[PU_REASONS_MAX], note[PU_REASONS_MAX], text[PU_REASONS_MAX + 64];
    struct verdict vd;
    struct hh_value props;
    int32_t rc;

    if (t == NULL) {
        pu_answer(host, ctx, HH_STATUS_FAILED, HH_ERROR_UNSUPPORTED_TARGET,
                  "[CT.RDS.PR.8]: only " TARGET_TYPE ", aws_db_instance and "
                  "aws:rds/instance:Instance resources are supported");
        return;
    }
    rc = pu_read_properties(&doc, req, &props);
    if (pu_host_refused(host, ctx, &control, rc))
        return;
    pu_buf_init(&vd.reasons, reasons, sizeof(reasons));
    pu_buf_init(&vd.note, note, sizeof(note));
    vd.judged = 0;
    if (t == &rds_targets[0])
        judge(&doc, rc, &props, &vd);
    else
        judge_attrs(&doc, t, rc, &props, &vd);
    if (vd.reasons.len > 0) {
        pu_control_fail(host, ctx, &control, vd.reasons.text);
        return;
    }
    if (vd.judged > 0)
        snprintf(text, sizeof(text), "compliant: %s", vd.note.text);
    else
        snprintf(text, sizeof(text), "not applicable (skipped): %s",
                 vd.note.len > 0 ? vd.note.text : "no DB instance properties to judge");
    pu_control_pass(host, ctx, &control, vd.judged == 0, text);
}

static const char *const targets[] = {
    TARGET_TYPE, "aws_db_instance", "aws:rds/instance:Instance",
};

#define TARGET_NAMES (sizeof(targets) / sizeof(targets[0]))

static const struct hh_handler handlers[] = {
    { HH_POINT_PRE_PROVISION, HH_ACTION_CREATE, targets, TARGET_NAMES },
    { HH_POINT_PRE_PROVISION, HH_ACTION_UPDATE, targets, TARGET_NAMES },
};

static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin),
    "Hookhost::ControlTower::RdsBackupRetention",
    "1.0.0",
    "AWS Control Tower proactive control CT.RDS.PR.8: require an Amazon RDS database "
    "instance to have automatic backups configured (BackupRetentionPeriod of at least 7; "
    "CloudFormation, Terraform and Pulumi).",
    HH_FAILURE_MODE_FAIL,
    HH_PLUGIN_FLAG_CONCURRENT,
    "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}",
    handlers,
    sizeof(handlers) / sizeof(handlers[0]),
    sizeof(struct hh_handler),
    pu_instance_create,
    pu_instance_destroy,
    rds_invoke,
    NULL,
};

HH_PLUGIN_DEFINE(descriptor)
