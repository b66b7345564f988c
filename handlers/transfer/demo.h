/* demo.h - the transfer's demo data: the receiving side of the founding document's five-office
 * chain (a 支部 in another system under 市级机关工委), the approvers of each office, a 市委组织部
 * and an organisation outside zhibu; idempotent. */
#ifndef ZHIBU_TRANSFER_DEMO_H
#define ZHIBU_TRANSFER_DEMO_H

int transfer_demo_seed(void);

#endif
