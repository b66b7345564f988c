/*
 * member_import.h - import a secretary's member list (CSV exported from Excel) in one
 * transaction.
 *
 * The file may be UTF-8, UTF-8 with a BOM or GBK (charset.h). The first non-empty record is the
 * header: column names in Chinese or English, in any order (member_field_lookup); 姓名/name is
 * required, unknown columns are ignored with a note. Each later record is one member: a member
 * with the same phone - or, without a phone, the same name in the same organisation - is
 * updated, anyone else is added. Never a second record for one person, never a silent change:
 * a stored phone under another name is a problem (an import does not rename), and so is a row
 * that matches a removed member (by phone, or by name and organisation). Empty cells leave what is
 * stored unchanged. Every problem in the file is listed with its line and column, and any problem
 * means nothing is written. A dry run does all the work and rolls it back, so it reports exactly
 * what a real run would do.
 */
#ifndef ZHIBU_MEMBER_IMPORT_H
#define ZHIBU_MEMBER_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "bot/base/buf.h"
#include "bot/base/charset.h"
#include "bot/base/err.h"

#define IMPORT_MAX_PROBLEMS 200       /* problems listed; the rest are counted */
#define IMPORT_REPORT_MAX   (2 << 20) /* bytes of the report text */

struct import_opts {
    bool dry_run;            /* report, write nothing */
    bool create_branches;    /* create organisations the file names that do not exist */
    const char *actor;       /* for the audit trail, e.g. "cli:root" */
    const char *channel;     /* for the audit trail, e.g. "cli" */
    const char *source_name; /* the file name, for the audit trail */
    int64_t now;             /* Unix seconds */
};

struct import_report {
    struct buf text;      /* one line per change (or per problem), Chinese; owned */
    enum charset charset; /* what the file was */
    int added;            /* members added */
    int updated;          /* members changed */
    int unchanged;        /* members in the file that were already so */
    int branches_created; /* organisations created */
    int problems;         /* problems found (all of them, also those not listed) */
};

/* import_report_init / import_report_free - the report's buffer. */
void import_report_init(struct import_report *r);
void import_report_free(struct import_report *r);

/*
 * member_import - import the len bytes at data. ZB_OK: applied (or, on a dry run, would apply)
 * with r->text listing the changes. ZB_EINVAL: problems in r->text, nothing written.
 * ZB_EPARSE: the file is not readable as text or CSV (r->text says why). ZB_EDB on failure.
 * Takes the store's write transaction itself.
 */
int member_import(const char *data, size_t len, const struct import_opts *o,
                  struct import_report *r) ZB_MUST_USE;

#endif
