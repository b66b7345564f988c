/* demo.c - the transfer's demo data (see demo.h). */
#include "handlers/transfer/demo.h"

#include <stdio.h>

#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/org/role.h"

/* The demo tree of members' demo seeding (handlers/members/demo.h keeps it in its face). */
#define DEMO_ROOT     "市级机关工委"
#define DEMO_RECEIVER DEMO_ROOT "/市教育局党委/实验中学支部"

/* The approvers of each office on the founding chain and the receiver: path, name, phone. */
static const char *const approvers[][3] = {
    {DEMO_ROOT "/市交通运输局党委/市航道处党总支", "吴建华", "13800138101"},
    {DEMO_ROOT "/市交通运输局党委", "郑国强", "13800138102"},
    {DEMO_ROOT, "周明华", "13800138103"},
    {DEMO_RECEIVER, "钱文静", "13800138104"},
    {"市委组织部", "冯志远", "13800138105"},
};

static int approver(const char *path, const char *name, const char *phone, int64_t now)
{
    int64_t org = 0, id = 0;
    char err[BRANCH_ERR_MAX];
    int rc = branch_add(path, now, &org, NULL, err, sizeof err);
    if (rc) {
        log_error("demo: %s: %s", path, rc == ZB_EINVAL ? err : zb_strerror(rc));
        return rc;
    }
    if ((rc = member_find_phone(phone, &id)) != ZB_ENOTFOUND)
        return rc;
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "%s", name);
    snprintf(m.phone, sizeof m.phone, "%s", phone);
    m.branch_id = org;
    m.roles = ROLE_SECRETARY;
    return member_insert(&m, now);
}

int transfer_demo_seed(void)
{
    char err[BRANCH_ERR_MAX];
    int64_t root = 0, now = clock_now();
    if (branch_resolve(DEMO_ROOT, &root, err, sizeof err))
        return ZB_OK; /* no demo tree */
    int rc = ZB_OK;
    for (size_t i = 0; !rc && i < sizeof approvers / sizeof approvers[0]; i++)
        rc = approver(approvers[i][0], approvers[i][1], approvers[i][2], now);
    int64_t ext = 0;
    if (!rc)
        rc = branch_add("外省某市港航管理局党委", now, &ext, NULL, err, sizeof err);
    if (!rc)
        rc = branch_set_kind(ext, BRANCH_KIND_PARTY, true);
    return rc;
}
