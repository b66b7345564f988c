/* open.c - open the database with every migration set (see open.h). */
#include "bot/app/open.h"

#include <stdio.h>

#include "bot/app/config.h"
#include "bot/base/sensitive.h"
#include "handlers/tasks/tasks.h"

#include "bot/chat/replay_log.h"
#include "bot/delivery/grants.h"
#include "bot/org/apisession.h"
#include "bot/store/store.h"
#include "handlers/registry.h"
#include "handlers/study/study.h"

int app_store_init(const char *path, bool durability_power)
{
    size_t n = 0;
    const struct migration_set *const *caps = registry_migrations(&n);
    /* the engine's own sets beyond core (the REST door's sessions, the mini-program's grants,
     * the replay memory), then the capabilities' */
    enum { ENGINE_SETS = 3 };
    const struct migration_set *sets[REGISTRY_CAPS_MAX + ENGINE_SETS];
    sets[0] = &apisession_migrations;
    sets[1] = &grants_migrations;
    sets[2] = &replay_log_migrations;
    for (size_t i = 0; i < n && i < REGISTRY_CAPS_MAX; i++)
        sets[i + ENGINE_SETS] = caps[i];
    return store_init(path, durability_power, sets,
                      (n < REGISTRY_CAPS_MAX ? n : REGISTRY_CAPS_MAX) + ENGINE_SETS);
}

int app_study_init(const struct config *cfg)
{
    struct study_config sc = {(int)cfg->content.review_levels, cfg->content.sensitive_words,
                              cfg->study.audiences ? cfg->study.audiences : "{}",
                              cfg->study.digest_time, (int)cfg->study.daily_points_cap};
    char err[512];
    int rc = study_configure(&sc, err, sizeof err);
    if (rc)
        fprintf(stderr, "错误：配置有误：%s\n", err);
    return rc;
}

int app_tasks_configure(const struct config *cfg)
{
    static struct sensitive *list;
    struct tasks_config tc = {cfg->tasks.require_review, cfg->tasks.remind_after_h * 3600,
                              cfg->tasks.remind_before_h * 3600, cfg->public_url};
    tasks_configure(&tc);
    /* the same list as study's imports (content.sensitive_words): every broadcast is checked */
    if (list || !cfg->content.sensitive_words || !cfg->content.sensitive_words[0])
        return ZB_OK;
    char err[256];
    if (!(list = sensitive_load(cfg->content.sensitive_words, err, sizeof err))) {
        fprintf(stderr, "错误：content.sensitive_words：%s\n", err);
        return ZB_ECONFIG;
    }
    tasks_set_sensitive(list);
    return ZB_OK;
}
