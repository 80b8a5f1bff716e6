/*
 * CT.EC2.PR.4: no security group ingress rule may admit traffic from
 * 0.0.0.0/0, ::/0 or a managed prefix list to a high-risk port, nor allow
 * every protocol.  Covers AWS::EC2::SecurityGroup (its SecurityGroupIngress
 * list) and AWS::EC2::SecurityGroupIngress.
 *
 * Judged as the Control Tower cfn-guard rule judges it (see README.md),
 * including what it cannot evaluate: a SecurityGroupIngress that is null or
 * a number makes cfn-guard stop with an error, so this hook answers FAILED
 * with InvalidRequest rather than a verdict.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "plugin_util.h"

static const struct pu_control control = {
    "CT.EC2.PR.4",
    "Require that any Amazon EC2 security group rule does not use the source IP range "
    "0.0.0.0/0 or ::/0 for specific high-risk ports",
    "Remove Amazon EC2 security group ingress rules that allow traffic from '0.0.0.0/0' or "
    "'::/0' to high risk ports: '3389', '20', '23', '110', '143', '3306', '8080', '1433', "
    "'9200', '9300', '25', '445', '135', '21', '1434', '4333', '5432', '5500', '5601', "
    "'22', '3000', '5000', '8088', '8888'. The use of managed prefix lists is not supported.",
    HH_SEVERITY_CRITICAL,
};

#define GROUP_TYPE "AWS::EC2::SecurityGroup"
#define INGRESS_TYPE "AWS::EC2::SecurityGroupIngress"

/* The rule's BLOCKED_PORTS, in ascending order so that messages read well. */
static const int64_t blocked_ports[] = {
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000,
    3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300,
};
static const char *const open_ipv4[] = { "0.0.0.0/0", NULL };
static const char *const open_ipv6[] = { "::/0", NULL };
static const char *const authorized_protocols[] = { "tcp", "udp", "icmp", "icmpv6", NULL };
static const char *const port_protocols[] = { "tcp", "udp", NULL };

#define PORT_COUNT (sizeof(blocked_ports) / sizeof(blocked_ports[0]))

/* What judging the properties found. */
struct verdict {
    struct pu_buf reasons; /* non-compliant rules; empty when none */
    struct pu_buf error;   /* what cfn-guard could not evaluate; empty when none */
    size_t open_rules;     /* rules from an open source, i.e. judged */
};

/* Start a reason about the rule called name: "; name: ". */
static void add_reason(struct pu_buf *b, const char *name)
{
    if (b->len > 0)
        pu_buf_add(b, "; ");
    pu_buf_add(b, name);
    pu_buf_add(b, ": ");
}

/*
 * Read member name of the rule at base into *v; false when absent.  p
 * receives the member's pointer.
 */
static bool rule_member(const struct pu_doc *doc, const char *base, const char *name,
                        struct pu_pointer *p, struct hh_value *v)
{
    return pu_guard_key(doc, base, name, p, v) == HH_OK;
}

/* Does the member hold, as cfn-guard compares, one of list? */
static bool member_in(const struct pu_doc *doc, const char *base, const char *name,
                      const char *const *list)
{
    struct pu_pointer p;
    struct hh_value v;

    return rule_member(doc, base, name, &p, &v) &&
           pu_guard_all(doc, p.text, &v, pu_pred_string_in, list);
}

/* The open source a rule admits traffic from, or NULL: the rule's filter. */
static const char *open_source(const struct pu_doc *doc, const char *base)
{
    struct pu_pointer p;
    struct hh_value v;

    if (member_in(doc, base, "CidrIp", open_ipv4))
        return "0.0.0.0/0";
    if (member_in(doc, base, "CidrIpv6", open_ipv6))
        return "::/0";
    if (rule_member(doc, base, "SourcePrefixListId", &p, &v))
        return "a managed prefix list";
    return NULL;
}

/* Is port p outside [FromPort, ToPort] as cfn-guard compares? */
static bool port_outside(const struct pu_doc *doc, const struct pu_pointer *from,
                         const struct hh_value *fv, const struct pu_pointer *to,
                         const struct hh_value *tv, int64_t port)
{
    return pu_guard_all(doc, from->text, fv, pu_pred_int_gt, &port) ||
           pu_guard_all(doc, to->text, tv, pu_pred_int_lt, &port);
}

/* "tcp" or "udp" when IpProtocol says so plainly, for messages. */
static const char *protocol_label(const struct hh_value *proto)
{
    if (proto->type == HH_VALUE_STRING && pu_string_in(proto->string, port_protocols))
        return proto->string;
    return "tcp/udp";
}

/* Start the reason for a port range that reaches a blocked port. */
static void ports_reason(const struct pu_doc *doc, const char *name, const char *what,
                         const struct pu_pointer *from, const struct hh_value *fv,
                         const struct pu_pointer *to, const struct hh_value *tv,
                         struct pu_buf *b)
{
    add_reason(b, name);
    if (fv->type == HH_VALUE_INTEGER && tv->type == HH_VALUE_INTEGER) {
        if (fv->integer == tv->integer)
            pu_buf_addf(b, "admits %s to high-risk port", what);
        else
            pu_buf_addf(b, "admits %s to ports %lld-%lld, including high-risk port", what,
                        (long long)fv->integer, (long long)tv->integer);
        return;
    }
    /* cfn-guard cannot compare such a value with a port number: it counts as open. */
    pu_buf_addf(b, "admits %s with FromPort ", what);
    pu_buf_describe(b, doc, from->text, fv);
    pu_buf_add(b, " and ToPort ");
    pu_buf_describe(b, doc, to->text, tv);
    pu_buf_add(b, ", which do not rule out high-risk port");
}

/* Check the ports of a tcp/udp rule at base, called name in reasons. */
static void check_ports(const struct pu_doc *doc, const char *base, const char *name,
                        const char *what, struct verdict *vd)
{
    struct pu_pointer from, to;
    struct hh_value fv, tv;
    bool has_from = rule_member(doc, base, "FromPort", &from, &fv);
    bool has_to = rule_member(doc, base, "ToPort", &to, &tv);
    int64_t hit[PORT_COUNT];
    size_t i, hits = 0;

    if (!has_from || !has_to) {
        add_reason(&vd->reasons, name);
        pu_buf_addf(&vd->reasons, "admits %s without %s, so every port is open", what,
                    !has_from && !has_to ? "FromPort and ToPort"
                    : !has_from          ? "FromPort"
                                         : "ToPort");
        return;
    }
    for (i = 0; i < PORT_COUNT; i++) {
        if (!port_outside(doc, &from, &fv, &to, &tv, blocked_ports[i]))
            hit[hits++] = blocked_ports[i];
    }
    if (hits == 0)
        return;
    ports_reason(doc, name, what, &from, &fv, &to, &tv, &vd->reasons);
    pu_buf_add(&vd->reasons, hits == 1 ? "" : "s");
    for (i = 0; i < hits; i++)
        pu_buf_addf(&vd->reasons, "%s %lld", i == 0 ? "" : ",", (long long)hit[i]);
}

/* Judge one ingress rule object at base, called name in reasons. */
static void check_rule(const struct pu_doc *doc, const char *base, const char *name,
                       struct verdict *vd)
{
    const char *source = open_source(doc, base);
    struct pu_pointer p;
    struct hh_value v;

    if (source == NULL)
        return; /* not from an open source: the control does not apply */
    vd->open_rules++;
    if (!rule_member(doc, base, "IpProtocol", &p, &v)) {
        add_reason(&vd->reasons, name);
        pu_buf_addf(&vd->reasons, "admits traffic from %s without IpProtocol", source);
        return;
    }
    if (!pu_guard_all(doc, p.text, &v, pu_pred_string_in, authorized_protocols)) {
        add_reason(&vd->reasons, name);
        if (v.type == HH_VALUE_STRING && strcmp(v.string, "-1") == 0) {
            pu_buf_addf(&vd->reasons, "admits all traffic from %s (IpProtocol \"-1\")", source);
            return;
        }
        pu_buf_addf(&vd->reasons, "admits traffic from %s with IpProtocol ", source);
        pu_buf_describe(&vd->reasons, doc, p.text, &v);
        pu_buf_add(&vd->reasons, "; only \"tcp\", \"udp\", \"icmp\" and \"icmpv6\" are "
                                 "accepted (not \"-1\" nor protocol numbers)");
        return;
    }
    if (pu_guard_all(doc, p.text, &v, pu_pred_string_in, port_protocols)) {
        char what[96];

        snprintf(what, sizeof(what), "%s from %s", protocol_label(&v), source);
        check_ports(doc, base, name, what, vd);
    }
}

/*
 * A rule value: an object is a rule (called name); cfn-guard unrolls a list
 * one level, judging its object items (called list_name[i]); anything else
 * is no rule.
 */
static void check_rule_value(const struct pu_doc *doc, const char *base, const char *name,
                             const char *list_name, struct verdict *vd)
{
    struct hh_value v;
    size_t i;

    if (pu_get(doc, base, &v) != HH_OK)
        return;
    if (v.type == HH_VALUE_OBJECT) {
        check_rule(doc, base, name, vd);
        return;
    }
    if (v.type != HH_VALUE_ARRAY)
        return;
    for (i = 0; i < v.length; i++) {
        struct pu_pointer p;
        struct hh_value item;
        char item_name[128];

        pu_pointer_init(&p, base);
        pu_pointer_index(&p, i);
        if (pu_get(doc, p.text, &item) != HH_OK || item.type != HH_VALUE_OBJECT)
            continue;
        snprintf(item_name, sizeof(item_name), "%s[%zu]", list_name, i);
        check_rule(doc, p.text, item_name, vd);
    }
}

/* Judge the SecurityGroupIngress of the group properties at base (an object). */
static void check_group(const struct pu_doc *doc, const char *base, const char *prefix,
                        struct verdict *vd)
{
    struct pu_pointer p;
    struct hh_value v;
    size_t i;

    if (!rule_member(doc, base, "SecurityGroupIngress", &p, &v))
        return;
    /* cfn-guard's "not empty" cannot evaluate these types and stops with an error. */
    if (v.type == HH_VALUE_NULL || v.type == HH_VALUE_INTEGER || v.type == HH_VALUE_NUMBER) {
        if (vd->error.len > 0)
            pu_buf_add(&vd->error, "; ");
        pu_buf_addf(&vd->error, "%sSecurityGroupIngress is ", prefix);
        pu_buf_describe(&vd->error, doc, p.text, &v);
        pu_buf_add(&vd->error, ", not a list: the rule cannot be evaluated");
        return;
    }
    if (v.type != HH_VALUE_ARRAY)
        return; /* an intrinsic function or a string: the rule skips it */
    for (i = 0; i < v.length; i++) {
        struct pu_pointer item;
        char name[96];

        pu_pointer_init(&item, p.text);
        pu_pointer_index(&item, i);
        snprintf(name, sizeof(name), "%sSecurityGroupIngress[%zu]", prefix, i);
        check_rule_value(doc, item.text, name, name, vd);
    }
}

/* cfn-guard unrolls a list of group properties one level, like rules. */
static void check_groups(const struct pu_doc *doc, const struct hh_value *props,
                         struct verdict *vd)
{
    size_t i;

    if (props->type == HH_VALUE_OBJECT) {
        check_group(doc, "", "", vd);
        return;
    }
    if (props->type != HH_VALUE_ARRAY)
        return;
    for (i = 0; i < props->length; i++) {
        struct pu_pointer p;
        struct hh_value item;
        char prefix[48];

        pu_pointer_init(&p, "");
        pu_pointer_index(&p, i);
        if (pu_get(doc, p.text, &item) != HH_OK || item.type != HH_VALUE_OBJECT)
            continue;
        snprintf(prefix, sizeof(prefix), "Properties[%zu].", i);
        check_group(doc, p.text, prefix, vd);
    }
}

static void answer(const struct hh_host_api *host, hh_context *ctx, const struct verdict *vd)
{
    if (vd->error.len > 0)
        pu_control_error(host, ctx, &control, HH_ERROR_INVALID_REQUEST, vd->error.text);
    else if (vd->reasons.len > 0)
        pu_control_fail(host, ctx, &control, vd->reasons.text);
    else if (vd->open_rules > 0)
        pu_control_pass(host, ctx, &control, false,
                        "compliant: no ingress rule from 0.0.0.0/0, ::/0 or a prefix list "
                        "reaches a high-risk port");
    else
        pu_control_pass(host, ctx, &control, true,
                        "not applicable (skipped): no ingress rule admits traffic from "
                        "0.0.0.0/0, ::/0 or a prefix list");
}

static void HH_CALL ec2_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    const struct hh_host_api *host = ((const struct pu_instance *)instance)->host;
    struct pu_doc doc = { host, ctx, HH_DOC_PROPERTIES };
    char reasons[PU_REASONS_MAX], error[PU_REASONS_MAX / 2];
    bool group = strcmp(req->target_type, GROUP_TYPE) == 0;
    struct verdict vd;
    struct hh_value props;
    int32_t rc;

    if (!group && strcmp(req->target_type, INGRESS_TYPE) != 0) {
        pu_answer(host, ctx, HH_STATUS_FAILED, HH_ERROR_UNSUPPORTED_TARGET,
                  "[CT.EC2.PR.4]: only " GROUP_TYPE " and " INGRESS_TYPE
                  " resources are supported");
        return;
    }
    rc = pu_read_properties(&doc, req, &props);
    if (pu_host_refused(host, ctx, &control, rc))
        return;
    if (rc == HH_ERR_NOT_FOUND) {
        /* cfn-guard fails a resource without Properties (it skips null ones). */
        pu_control_fail(host, ctx, &control, "the resource has no Properties");
        return;
    }
    pu_buf_init(&vd.reasons, reasons, sizeof(reasons));
    pu_buf_init(&vd.error, error, sizeof(error));
    vd.open_rules = 0;
    if (group)
        check_groups(&doc, &props, &vd);
    else
        check_rule_value(&doc, "", "the ingress rule", "Properties", &vd);
    answer(host, ctx, &vd);
}

static const char *const targets[] = { GROUP_TYPE, INGRESS_TYPE };

static const struct hh_handler handlers[] = {
    { HH_POINT_PRE_PROVISION, HH_ACTION_CREATE, targets, 2 },
    { HH_POINT_PRE_PROVISION, HH_ACTION_UPDATE, targets, 2 },
};

static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin),
    "Hookhost::ControlTower::Ec2RestrictedPorts",
    "1.0.0",
    "AWS Control Tower proactive control CT.EC2.PR.4: require that no Amazon EC2 security "
    "group rule admits 0.0.0.0/0, ::/0 or a prefix list to specific high-risk ports.",
    HH_FAILURE_MODE_FAIL,
    HH_PLUGIN_FLAG_CONCURRENT,
    "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}",
    handlers,
    sizeof(handlers) / sizeof(handlers[0]),
    sizeof(struct hh_handler),
    pu_instance_create,
    pu_instance_destroy,
    ec2_invoke,
    NULL,
};

HH_PLUGIN_DEFINE(descriptor)
