/*
 * demo.h - the members capability's demo data: the demo organisation tree in its final shape
 * (市级机关工委 / 市交通运输局党委 / 市航道处党总支 / 船闸支部 with 第一党小组 and 第二党小组)
 * and today's demo members (the people of config/members.example.csv), each with a binding code
 * (`zhibu member codes`). Other capabilities hang their demo data on DEMO_BRANCH_PATH.
 */
#ifndef ZHIBU_MEMBERS_DEMO_H
#define ZHIBU_MEMBERS_DEMO_H

#include "bot/base/err.h"

#define DEMO_BRANCH_PATH "市级机关工委/市交通运输局党委/市航道处党总支/船闸支部"

/*
 * members_demo_seed - create what is missing of the demo tree and members; a member is matched
 * by phone, so a second run changes nothing (and leaves edits to a seeded member alone).
 * ZB_EINVAL (logged) when the demo data does not parse; ZB_EDB. Call inside a transaction.
 */
int members_demo_seed(void) ZB_MUST_USE;

#endif
