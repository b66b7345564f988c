/* jobs.h - the transfer's scheduler job "transfer.remind" (daily at 9: idle steps remind their
 * approvers, letters close to expiry warn, expired letters are marked; keys in transfer.c). */
#ifndef ZHIBU_TRANSFER_JOBS_H
#define ZHIBU_TRANSFER_JOBS_H

int transfer_jobs(void);

#endif
