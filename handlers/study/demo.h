/* demo.h - the study demo: the bundled content/study items imported and approved. */
#ifndef ZHIBU_STUDY_DEMO_H
#define ZHIBU_STUDY_DEMO_H

#include "bot/base/err.h"

#define STUDY_DEMO_DIR "content/study" /* relative to the working directory; $ZHIBU_CONTENT_DIR */

/* study_demo_seed - import the bundled items as the demo's 宣传委员 and approve them as its
 * 书记 (idempotent; skipped with a warning when the folder is not found). In a tx. */
int study_demo_seed(void) ZB_MUST_USE;

#endif
