/*
 * CT.EC2.PR.4: no security group ingress rule may admit traffic from
 * 0.0.0.0/0, ::/0 or a managed prefix list to a high-risk port, nor allow
 * every protocol.  Covers AWS::EC2::SecurityGroup (its SecurityGroupIngress
 * list) and AWS::EC2::SecurityGroupIngress, and their Terraform and Pulumi
 * equivalents: a security group's ingress blocks, ingress rule resources
 * and rule resources of type "ingress".  There a block's sources are lists
 * (cidr_blocks, ipv6_cidr_blocks, prefix_list_ids), each item standing for
 * one CloudFormation rule's CidrIp, CidrIpv6 or SourcePrefixListId.
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

/*
 * How one kind of rule names its members and how they are read.
 * CloudFormation: cfn-guard's lookup (camelCase fallback, null present) and
 * one source per rule.  Terraform and Pulumi: exact names, null is unset,
 * and (lists) a rule's sources are lists, each item a source of its own.
 */
struct rule_names {
    const char *cidr_ipv4;   /* CidrIp */
    const char *cidr_ipv6;   /* CidrIpv6 */
    const char *prefix_list; /* SourcePrefixListId */
    const char *protocol;    /* IpProtocol */
    const char *from_port;   /* FromPort */
    const char *to_port;     /* ToPort */
    bool lists;              /* sources are lists (cidr_blocks, prefix_list_ids...) */
    int32_t (*read)(const struct pu_doc *doc, const char *base, const char *key,
                    struct pu_pointer *p, struct hh_value *v);
    void (*describe)(struct pu_buf *b, const struct pu_doc *doc, const char *pointer,
                     const struct hh_value *v);
};

static const struct rule_names cfn_rule = {
    "CidrIp", "CidrIpv6", "SourcePrefixListId", "IpProtocol", "FromPort", "ToPort",
    false, pu_guard_key, pu_buf_describe,
};
static const struct rule_names tf_block = {
    "cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "protocol", "from_port", "to_port",
    true, pu_attr, pu_buf_describe_attr,
};
static const struct rule_names tf_vpc_rule = {
    "cidr_ipv4", "cidr_ipv6", "prefix_list_id", "ip_protocol", "from_port", "to_port",
    false, pu_attr, pu_buf_describe_attr,
};
static const struct rule_names pulumi_block = {
    "cidrBlocks", "ipv6CidrBlocks", "prefixListIds", "protocol", "fromPort", "toPort",
    true, pu_attr, pu_buf_describe_attr,
};
static const struct rule_names pulumi_vpc_rule = {
    "cidrIpv4", "cidrIpv6", "prefixListId", "ipProtocol", "fromPort", "toPort",
    false, pu_attr, pu_buf_describe_attr,
};

/* What judging the properties found. */
struct verdict {
    struct pu_buf reasons; /* non-compliant rules; empty when none */
    struct pu_buf error;   /* what cfn-guard could not evaluate; empty when none */
    struct pu_buf note;    /* Terraform/Pulumi: why nothing was judged; may be empty */
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
static bool rule_member(const struct pu_doc *doc, const struct rule_names *n, const char *base,
                        const char *name, struct pu_pointer *p, struct hh_value *v)
{
    return n->read(doc, base, name, p, v) == HH_OK;
}

/* Does the member hold, as cfn-guard compares, one of list? */
static bool member_in(const struct pu_doc *doc, const struct rule_names *n, const char *base,
                      const char *name, const char *const *list)
{
    struct pu_pointer p;
    struct hh_value v;

    return rule_member(doc, n, base, name, &p, &v) &&
           pu_guard_all(doc, p.text, &v, pu_pred_string_in, list);
}

/*
 * Terraform/Pulumi: does the source list name hold one of list?  One item
 * is enough: each item is a rule of its own.  A single value is one item.
 */
static bool list_has(const struct pu_doc *doc, const char *base, const char *name,
                     const char *const *list)
{
    struct pu_pointer p;
    struct hh_value v, item;
    size_t i;

    if (pu_attr(doc, base, name, &p, &v) != HH_OK)
        return false;
    if (v.type != HH_VALUE_ARRAY)
        return pu_pred_string_in(&v, list);
    for (i = 0; pu_member(doc, p.text, i, NULL, &item) == HH_OK; i++) {
        if (pu_pred_string_in(&item, list))
            return true;
    }
    return false;
}

/*
 * Terraform/Pulumi: does the rule name a prefix list?  As CloudFormation
 * counts any SourcePrefixListId, any item counts, and so does a list not
 * known before apply; an empty list names none.
 */
static bool list_not_empty(const struct pu_doc *doc, const char *base, const char *name)
{
    struct pu_pointer p;
    struct hh_value v;

    if (pu_attr(doc, base, name, &p, &v) != HH_OK)
        return false;
    return v.type != HH_VALUE_ARRAY || v.length > 0;
}

/* Add what to the sources named in out: "0.0.0.0/0 and ::/0". */
static void add_source(struct pu_buf *out, const char *what)
{
    if (out->len > 0)
        pu_buf_add(out, " and ");
    pu_buf_add(out, what);
}

/* The open sources of a rule with source lists, into out (empty: none). */
static void open_sources_listed(const struct pu_doc *doc, const struct rule_names *n,
                                const char *base, struct pu_buf *out)
{
    if (list_has(doc, base, n->cidr_ipv4, open_ipv4))
        add_source(out, "0.0.0.0/0");
    if (list_has(doc, base, n->cidr_ipv6, open_ipv6))
        add_source(out, "::/0");
    if (list_not_empty(doc, base, n->prefix_list))
        add_source(out, "a managed prefix list");
}

/* The open source a rule admits traffic from, into out (empty: none): the rule's filter. */
static void open_source(const struct pu_doc *doc, const struct rule_names *n, const char *base,
                        struct pu_buf *out)
{
    struct pu_pointer p;
    struct hh_value v;

    if (n->lists)
        open_sources_listed(doc, n, base, out);
    else if (member_in(doc, n, base, n->cidr_ipv4, open_ipv4))
        pu_buf_add(out, "0.0.0.0/0");
    else if (member_in(doc, n, base, n->cidr_ipv6, open_ipv6))
        pu_buf_add(out, "::/0");
    else if (rule_member(doc, n, base, n->prefix_list, &p, &v))
        pu_buf_add(out, "a managed prefix list");
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
static void ports_reason(const struct pu_doc *doc, const struct rule_names *n, const char *name,
                         const char *what, const struct pu_pointer *from,
                         const struct hh_value *fv, const struct pu_pointer *to,
                         const struct hh_value *tv, struct pu_buf *b)
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
    pu_buf_addf(b, "admits %s with %s ", what, n->from_port);
    n->describe(b, doc, from->text, fv);
    pu_buf_addf(b, " and %s ", n->to_port);
    n->describe(b, doc, to->text, tv);
    pu_buf_add(b, ", which do not rule out high-risk port");
}

/* Check the ports of a tcp/udp rule at base, called name in reasons. */
static void check_ports(const struct pu_doc *doc, const struct rule_names *n, const char *base,
                        const char *name, const char *what, struct verdict *vd)
{
    struct pu_pointer from, to;
    struct hh_value fv, tv;
    bool has_from = rule_member(doc, n, base, n->from_port, &from, &fv);
    bool has_to = rule_member(doc, n, base, n->to_port, &to, &tv);
    int64_t hit[PORT_COUNT];
    size_t i, hits = 0;

    if (!has_from || !has_to) {
        add_reason(&vd->reasons, name);
        if (!has_from && !has_to)
            pu_buf_addf(&vd->reasons, "admits %s without %s and %s, so every port is open",
                        what, n->from_port, n->to_port);
        else
            pu_buf_addf(&vd->reasons, "admits %s without %s, so every port is open", what,
                        !has_from ? n->from_port : n->to_port);
        return;
    }
    for (i = 0; i < PORT_COUNT; i++) {
        if (!port_outside(doc, &from, &fv, &to, &tv, blocked_ports[i]))
            hit[hits++] = blocked_ports[i];
    }
    if (hits == 0)
        return;
    ports_reason(doc, n, name, what, &from, &fv, &to, &tv, &vd->reasons);
    pu_buf_add(&vd->reasons, hits == 1 ? "" : "s");
    for (i = 0; i < hits; i++)
        pu_buf_addf(&vd->reasons, "%s %lld", i == 0 ? "" : ",", (long long)hit[i]);
}

/* The reason for a protocol the control does not authorise. */
static void protocol_reason(const struct pu_doc *doc, const struct rule_names *n,
                            const char *name, const char *source, const struct pu_pointer *p,
                            const struct hh_value *v, struct pu_buf *b)
{
    add_reason(b, name);
    if (v->type == HH_VALUE_STRING && strcmp(v->string, "-1") == 0) {
        pu_buf_addf(b, "admits all traffic from %s (%s \"-1\")", source, n->protocol);
        return;
    }
    pu_buf_addf(b, "admits traffic from %s with %s ", source, n->protocol);
    n->describe(b, doc, p->text, v);
    pu_buf_add(b, "; only \"tcp\", \"udp\", \"icmp\" and \"icmpv6\" are "
                  "accepted (not \"-1\" nor protocol numbers)");
}

/* Judge one ingress rule object at base, called name in reasons. */
static void check_rule(const struct pu_doc *doc, const struct rule_names *n, const char *base,
                       const char *name, struct verdict *vd)
{
    char storage[96];
    struct pu_buf source;
    struct pu_pointer p;
    struct hh_value v;

    pu_buf_init(&source, storage, sizeof(storage));
    open_source(doc, n, base, &source);
    if (source.len == 0)
        return; /* not from an open source: the control does not apply */
    vd->open_rules++;
    if (!rule_member(doc, n, base, n->protocol, &p, &v)) {
        add_reason(&vd->reasons, name);
        pu_buf_addf(&vd->reasons, "admits traffic from %s without %s", source.text,
                    n->protocol);
        return;
    }
    if (!pu_guard_all(doc, p.text, &v, pu_pred_string_in, authorized_protocols)) {
        protocol_reason(doc, n, name, source.text, &p, &v, &vd->reasons);
        return;
    }
    if (pu_guard_all(doc, p.text, &v, pu_pred_string_in, port_protocols)) {
        char what[160];

        snprintf(what, sizeof(what), "%s from %s", protocol_label(&v), source.text);
        check_ports(doc, n, base, name, what, vd);
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
        check_rule(doc, &cfn_rule, base, name, vd);
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
        check_rule(doc, &cfn_rule, p.text, item_name, vd);
    }
}

/* Judge the SecurityGroupIngress of the group properties at base (an object). */
static void check_group(const struct pu_doc *doc, const char *base, const char *prefix,
                        struct verdict *vd)
{
    struct pu_pointer p;
    struct hh_value v;
    size_t i;

    if (!rule_member(doc, &cfn_rule, base, "SecurityGroupIngress", &p, &v))
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

/* What a target type is, for this control. */
enum ec2_kind {
    KIND_CFN_GROUP,   /* AWS::EC2::SecurityGroup: its SecurityGroupIngress */
    KIND_CFN_INGRESS, /* AWS::EC2::SecurityGroupIngress */
    KIND_GROUP,       /* a Terraform or Pulumi security group: its ingress blocks */
    KIND_RULE,        /* a Terraform or Pulumi ingress rule resource */
    KIND_TYPED_RULE   /* a Terraform or Pulumi rule resource of type ingress or egress */
};

struct ec2_target {
    const char *type;
    enum ec2_kind kind;
    const struct rule_names *names;
    const char *member; /* KIND_GROUP: the list of rules; KIND_TYPED_RULE: the type */
};

static const struct ec2_target ec2_targets[] = {
    { GROUP_TYPE, KIND_CFN_GROUP, &cfn_rule, NULL },
    { INGRESS_TYPE, KIND_CFN_INGRESS, &cfn_rule, NULL },
    { "aws_security_group", KIND_GROUP, &tf_block, "ingress" },
    { "aws_vpc_security_group_ingress_rule", KIND_RULE, &tf_vpc_rule, NULL },
    { "aws_security_group_rule", KIND_TYPED_RULE, &tf_block, "type" },
    { "aws:ec2/securityGroup:SecurityGroup", KIND_GROUP, &pulumi_block, "ingress" },
    { "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", KIND_RULE,
      &pulumi_vpc_rule, NULL },
    { "aws:ec2/securityGroupRule:SecurityGroupRule", KIND_TYPED_RULE, &pulumi_block, "type" },
};

#define TARGET_COUNT (sizeof(ec2_targets) / sizeof(ec2_targets[0]))

/* Terraform/Pulumi: the inline ingress blocks of a security group. */
static void check_engine_group(const struct pu_doc *doc, const struct ec2_target *t,
                               struct verdict *vd)
{
    struct pu_pointer p;
    struct hh_value v;
    size_t i;

    if (pu_attr(doc, "", t->member, &p, &v) != HH_OK) {
        pu_buf_addf(&vd->note, "%s is not set: the group has no inline ingress rule", t->member);
        return;
    }
    if (v.type != HH_VALUE_ARRAY) {
        /* As cfn-guard skips a SecurityGroupIngress that is not a list. */
        pu_buf_addf(&vd->note, "%s is ", t->member);
        pu_buf_describe_attr(&vd->note, doc, p.text, &v);
        pu_buf_add(&vd->note, pu_is_unknown(&v)
                                  ? ", so its rules cannot be judged; like a SecurityGroupIngress "
                                    "that is not a list, the group is skipped (separate rule "
                                    "resources are judged on their own)"
                                  : ", not a list of rules");
        return;
    }
    for (i = 0; i < v.length; i++) {
        struct pu_pointer item;
        struct hh_value rule;
        char name[64];

        pu_pointer_init(&item, p.text);
        pu_pointer_index(&item, i);
        if (pu_get(doc, item.text, &rule) != HH_OK || rule.type != HH_VALUE_OBJECT)
            continue;
        snprintf(name, sizeof(name), "%s[%zu]", t->member, i);
        check_rule(doc, t->names, item.text, name, vd);
    }
}

/* Terraform/Pulumi: a rule resource that is an ingress rule only when its type says so. */
static void check_typed_rule(const struct pu_doc *doc, const struct ec2_target *t,
                             struct verdict *vd)
{
    struct pu_pointer p;
    struct hh_value v;

    if (pu_attr(doc, "", t->member, &p, &v) == HH_OK && v.type == HH_VALUE_STRING &&
        strcmp(v.string, "ingress") == 0) {
        check_rule(doc, t->names, "", "the ingress rule", vd);
        return;
    }
    pu_buf_addf(&vd->note, "%s is ", t->member);
    if (p.overflow || pu_attr(doc, "", t->member, &p, &v) != HH_OK)
        pu_buf_add(&vd->note, "not set");
    else
        pu_buf_describe_attr(&vd->note, doc, p.text, &v);
    pu_buf_add(&vd->note, ", not \"ingress\": only ingress rules are judged");
}

static void check_engine(const struct pu_doc *doc, const struct ec2_target *t,
                         const struct hh_value *props, struct verdict *vd)
{
    if (props->type != HH_VALUE_OBJECT) {
        add_reason(&vd->reasons, "the resource");
        pu_buf_add(&vd->reasons, "its properties are ");
        pu_buf_describe_attr(&vd->reasons, doc, "", props);
        pu_buf_add(&vd->reasons, ", not an object");
    } else if (t->kind == KIND_GROUP) {
        check_engine_group(doc, t, vd);
    } else if (t->kind == KIND_TYPED_RULE) {
        check_typed_rule(doc, t, vd);
    } else {
        check_rule(doc, t->names, "", "the ingress rule", vd);
    }
}

static void answer(const struct hh_host_api *host, hh_context *ctx, const struct verdict *vd)
{
    char text[PU_REASONS_MAX];

    if (vd->error.len > 0) {
        pu_control_error(host, ctx, &control, HH_ERROR_INVALID_REQUEST, vd->error.text);
    } else if (vd->reasons.len > 0) {
        pu_control_fail(host, ctx, &control, vd->reasons.text);
    } else if (vd->open_rules > 0) {
        pu_control_pass(host, ctx, &control, false,
                        "compliant: no ingress rule from 0.0.0.0/0, ::/0 or a prefix list "
                        "reaches a high-risk port");
    } else if (vd->note.len > 0) {
        snprintf(text, sizeof(text), "not applicable (skipped): %s", vd->note.text);
        pu_control_pass(host, ctx, &control, true, text);
    } else {
        pu_control_pass(host, ctx, &control, true,
                        "not applicable (skipped): no ingress rule admits traffic from "
                        "0.0.0.0/0, ::/0 or a prefix list");
    }
}

static const struct ec2_target *find_target(const char *type)
{
    size_t i;

    for (i = 0; i < TARGET_COUNT; i++) {
        if (strcmp(type, ec2_targets[i].type) == 0)
            return &ec2_targets[i];
    }
    return NULL;
}

static void HH_CALL ec2_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    const struct hh_host_api *host = ((const struct pu_instance *)instance)->host;
    const struct ec2_target *t = find_target(req->target_type);
    struct pu_doc doc = { host, ctx, HH_DOC_PROPERTIES };
    char reasons[PU_REASONS_MAX], error[PU_REASONS_MAX / 2], note[PU_REASONS_MAX / 2];
    struct verdict vd;
    struct hh_value props;
    int32_t rc;

    if (t == NULL) {
        pu_answer(host, ctx, HH_STATUS_FAILED, HH_ERROR_UNSUPPORTED_TARGET,
                  "[CT.EC2.PR.4]: only " GROUP_TYPE ", " INGRESS_TYPE ", aws_security_group, "
                  "aws_vpc_security_group_ingress_rule, aws_security_group_rule, "
                  "aws:ec2/securityGroup:SecurityGroup, "
                  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule and "
                  "aws:ec2/securityGroupRule:SecurityGroupRule resources are supported");
        return;
    }
    rc = pu_read_properties(&doc, req, &props);
    if (pu_host_refused(host, ctx, &control, rc))
        return;
    if (rc == HH_ERR_NOT_FOUND) {
        /* cfn-guard fails a resource without Properties (it skips null ones). */
        pu_control_fail(host, ctx, &control, t->names == &cfn_rule
                                                 ? "the resource has no Properties"
                                                 : "the resource has no properties");
        return;
    }
    pu_buf_init(&vd.reasons, reasons, sizeof(reasons));
    pu_buf_init(&vd.error, error, sizeof(error));
    pu_buf_init(&vd.note, note, sizeof(note));
    vd.open_rules = 0;
    if (t->kind == KIND_CFN_GROUP)
        check_groups(&doc, &props, &vd);
    else if (t->kind == KIND_CFN_INGRESS)
        check_rule_value(&doc, "", "the ingress rule", "Properties", &vd);
    else
        check_engine(&doc, t, &props, &vd);
    answer(host, ctx, &vd);
}

static const char *const targets[] = {
    GROUP_TYPE,
    INGRESS_TYPE,
    "aws_security_group",
    "aws_vpc_security_group_ingress_rule",
    "aws_security_group_rule",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
};

#define TARGET_NAMES (sizeof(targets) / sizeof(targets[0]))

static const struct hh_handler handlers[] = {
    { HH_POINT_PRE_PROVISION, HH_ACTION_CREATE, targets, TARGET_NAMES },
    { HH_POINT_PRE_PROVISION, HH_ACTION_UPDATE, targets, TARGET_NAMES },
};

static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin),
    "Hookhost::ControlTower::Ec2RestrictedPorts",
    "1.0.0",
    "AWS Control Tower proactive control CT.EC2.PR.4: require that no Amazon EC2 security "
    "group rule admits 0.0.0.0/0, ::/0 or a prefix list to specific high-risk ports "
    "(CloudFormation, Terraform and Pulumi).",
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
