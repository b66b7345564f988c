/* demo.c - the demo seeds and running them (see demo.h). */
#include "bot/app/demo.h"

#include "bot/base/log.h"
#include "bot/store/store.h"
#include "handlers/members/demo.h"
#include "handlers/registry.h"

/* seed_all - every capability's demo seed, in registry order (store_tx_run's function). */
static int seed_all(void *arg)
{
    (void)arg;
    for (size_t i = 0; i < registry_caps_count; i++) {
        const struct capability *cap = &registry_caps[i];
        int rc = cap->demo_seed ? cap->demo_seed() : ZB_OK;
        if (rc) {
            log_error("demo: seeding %s failed: %s", cap->name, zb_strerror(rc));
            return rc;
        }
    }
    return ZB_OK;
}

int demo_run(void)
{
    return store_tx_run(seed_all, NULL);
}

int demo_seed_print(FILE *out, FILE *err)
{
    int rc = demo_run();
    if (rc) {
        fprintf(err, "错误：演示数据写入失败：%s（见上方日志），数据库没有改动\n",
                zb_strerror_zh(rc));
        return 1;
    }
    fprintf(out,
            "演示数据已就绪（组织：" DEMO_BRANCH_PATH "，及演示党员）。再次运行不会重复添加。\n"
            "下一步：zhibu member codes 查看绑定码，用 zhibu say \"绑定 绑定码\" 试一试。\n");
    return 0;
}
