/* demo.c - the demo seeds and running them (see demo.h). */
#include "bot/app/demo.h"

#include <string.h>

#include "bot/base/log.h"
#include "bot/store/store.h"
#include "handlers/members/demo.h"

static const struct demo_seed *seeds[DEMO_SEEDS_MAX];
static size_t n_seeds;

/* One line per capability with demo data. */
static const struct demo_seed members_seed = {"members", members_demo_seed};

int demo_register(const struct demo_seed *s)
{
    if (!s || !s->name || !s->seed)
        return ZB_EINVAL;
    for (size_t i = 0; i < n_seeds; i++)
        if (strcmp(seeds[i]->name, s->name) == 0)
            return ZB_EINVAL;
    if (n_seeds == DEMO_SEEDS_MAX)
        return ZB_ETOOBIG;
    seeds[n_seeds++] = s;
    return ZB_OK;
}

int demo_register_all(void)
{
    for (size_t i = 0; i < n_seeds; i++)
        if (seeds[i] == &members_seed)
            return ZB_OK;
    return demo_register(&members_seed);
}

void demo_reset(void)
{
    n_seeds = 0;
}

int demo_run(void)
{
    int rc = store_begin();
    if (rc)
        return rc;
    for (size_t i = 0; i < n_seeds; i++) {
        if ((rc = seeds[i]->seed())) {
            log_error("demo: seeding %s failed: %s", seeds[i]->name, zb_strerror(rc));
            store_rollback();
            return rc;
        }
    }
    return store_commit();
}

int demo_seed_print(FILE *out, FILE *err)
{
    int rc = demo_register_all();
    if (rc == ZB_OK)
        rc = demo_run();
    if (rc) {
        fprintf(err, "错误：演示数据写入失败：%s（见上方日志），数据库没有改动\n", zb_strerror(rc));
        return 1;
    }
    fprintf(out,
            "演示数据已就绪（组织：" DEMO_BRANCH_PATH "，及演示党员）。再次运行不会重复添加。\n"
            "下一步：zhibu member codes 查看绑定码，用 zhibu say \"绑定 绑定码\" 试一试。\n");
    return 0;
}
