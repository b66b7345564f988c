/* demo.c - the demo tree and members (see demo.h). */
#include "handlers/members/demo.h"

#include <stdio.h>
#include <string.h>

#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/org/branch.h"
#include "bot/org/member.h"

/* The columns of a demo row, in the order of config/members.example.csv after 支部. */
static const enum member_field cols[] = {
    MF_NAME, MF_PHONE,     MF_GROUP, MF_STATUS,    MF_CATEGORY,   MF_INCOME,
    MF_POST, MF_EDUCATION, MF_ROLES, MF_JOINED_ON, MF_BIRTH_YEAR, MF_STATS_EXEMPT,
};
#define NCOLS (sizeof cols / sizeof cols[0])

static const char *const people[][NCOLS] = {
    {"李建国", "13800138001", "第一党小组", "正式党员", "在职", "8650.00", "船闸管理所所长", "本科",
     "书记", "2003-07-01", "1975", ""},
    {"陈秀英", "13800138002", "第一党小组", "正式党员", "在职", "6230.50", "综合办公室主任", "本科",
     "组织委员、党小组长", "2008-06-28", "1982", ""},
    {"张志强", "13800138003", "第二党小组", "正式党员", "在职", "5480.00", "运行科科长", "大专",
     "宣传委员", "2010-12-20", "1985", ""},
    {"刘德明", "13800138004", "第二党小组", "正式党员", "在职", "5120.00", "安全科副科长", "本科",
     "纪检委员;党小组长", "2012-05-16", "1986", ""},
    {"赵海燕", "13800138005", "第一党小组", "正式党员", "在职", "4380.00", "运行科,调度员", "大专",
     "党员", "2015-07-01", "1990", ""},
    {"孙立新", "13800138006", "第二党小组", "正式党员", "在职", "3000.01", "闸门运行工", "中专", "",
     "2016-11-08", "1988", ""},
    {"周桂兰", "13800138007", "第一党小组", "正式党员", "离退休", "4200.00", "退休职工", "高中", "",
     "1976-03-15", "1948", "年老体弱"},
    {"吴长生", "0512-66881234", "第二党小组", "正式党员", "离退休", "3650.00", "退休职工", "初中",
     "", "1971-10-01", "1946", "年老体弱"},
    {"郑晓东", "13800138009", "第二党小组", "正式党员", "在职", "3000.00", "维修班组长,兼安全员",
     "中专", "", "2018-06-30", "1992", ""},
    {"王丽娜", "13800138010", "第一党小组", "正式党员", "在职", "4100.00", "财务室会计", "本科", "",
     "2019-12-26", "1994", ""},
    {"何宇航", "13800138011", "第一党小组", "预备党员", "在职", "3800.00", "运行科调度员", "本科",
     "", "2025-12-18", "1998", ""},
    {"马晨阳", "13800138012", "第二党小组", "预备党员", "在职", "3500.00", "闸门运行工", "大专", "",
     "2026-06-20", "2000", ""},
};

static const char *const groups[] = {"第一党小组", "第二党小组"};

/* person - insert row r unless a member with its phone exists. */
static int person(const char *const row[NCOLS], int64_t branch, const int64_t group_ids[2],
                  int64_t now)
{
    struct member m;
    member_init(&m);
    m.branch_id = branch;
    char err[MEMBER_ERR_MAX];
    for (size_t c = 0; c < NCOLS; c++) {
        if (cols[c] == MF_GROUP) {
            for (size_t g = 0; g < 2; g++)
                if (strcmp(row[c], groups[g]) == 0)
                    m.group_id = group_ids[g];
            continue;
        }
        if (row[c][0] && member_field_set(&m, cols[c], row[c], err, sizeof err)) {
            log_error("demo: %s: %s: %s", row[0], member_field_id(cols[c]), err);
            return ZB_EINVAL;
        }
    }
    int64_t id = 0;
    int rc = member_find_phone(m.phone, &id);
    if (rc == ZB_OK)
        return ZB_OK;
    if (rc != ZB_ENOTFOUND)
        return rc;
    return member_insert(&m, now);
}

int members_demo_seed(void)
{
    int64_t now = clock_now(), branch = 0, group_ids[2] = {0, 0};
    char err[BRANCH_ERR_MAX], path[BRANCH_PATH_MAX + 1];
    int rc = branch_add(DEMO_BRANCH_PATH, now, &branch, NULL, err, sizeof err);
    for (size_t g = 0; rc == ZB_OK && g < 2; g++) {
        snprintf(path, sizeof path, "%s/%s", DEMO_BRANCH_PATH, groups[g]);
        rc = branch_add(path, now, &group_ids[g], NULL, err, sizeof err);
    }
    if (rc) {
        log_error("demo: the demo tree: %s", rc == ZB_EINVAL ? err : zb_strerror(rc));
        return rc;
    }
    for (size_t i = 0; rc == ZB_OK && i < sizeof people / sizeof people[0]; i++)
        rc = person(people[i], branch, group_ids, now);
    return rc;
}
