/* jobs.c - tasks' scheduler jobs and fan-out driver (see jobs.h). */
#include "handlers/tasks/jobs.h"

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/delivery/scheduler.h"
#include "bot/store/store.h"
#include "handlers/tasks/tasks.h"

#define FANOUT_IDLE_S 30 /* the thread looks for work at least this often */

static int remind_job(const struct sched_tick *t, void *arg)
{
    (void)arg;
    int queued = 0;
    int rc = tasks_remind_run(t->now, &queued);
    if (!rc && queued)
        log_info("tasks: %d reminders queued", queued);
    return rc;
}

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    bool running, stop, kick;
} F = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false, false, false};

static void kick(void)
{
    pthread_mutex_lock(&F.mu);
    F.kick = true;
    pthread_cond_signal(&F.cv);
    pthread_mutex_unlock(&F.mu);
}

/* The backstop: a task submitted by the CLI while it was interrupted, or before a restart. */
static int fanout_job(const struct sched_tick *t, void *arg)
{
    (void)t;
    (void)arg;
    if (F.running)
        kick();
    return ZB_OK;
}

static const struct sched_job jobs[] = {
    {.name = "tasks.remind", .period = SCHED_MINUTE, .run = remind_job},
    {.name = "tasks.fanout", .period = SCHED_MINUTE, .run = fanout_job},
};

int tasks_jobs(void)
{
    for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
        int rc = scheduler_register(&jobs[i]);
        if (rc)
            return rc;
    }
    return ZB_OK;
}

struct step {
    bool more; /* OUT */
};

static int step_tx(void *arg)
{
    struct step *s = arg;
    return tasks_fanout_step(clock_now(), TASKS_BATCH, &s->more);
}

int tasks_fanout_all(int *batches)
{
    *batches = 0;
    struct step s = {true};
    while (s.more) {
        int rc = store_tx_run(step_tx, &s);
        if (rc)
            return rc;
        (*batches)++;
    }
    return ZB_OK;
}

static void *fanout_main(void *unused)
{
    (void)unused;
    for (;;) {
        pthread_mutex_lock(&F.mu);
        if (!F.kick && !F.stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += FANOUT_IDLE_S;
            pthread_cond_timedwait(&F.cv, &F.mu, &ts);
        }
        bool stop = F.stop;
        F.kick = false;
        pthread_mutex_unlock(&F.mu);
        if (stop)
            break;
        int batches = 0;
        if (tasks_fanout_all(&batches))
            log_warn("tasks: fan-out step failed; retried at the next wake-up");
    }
    store_close_thread();
    return NULL;
}

int tasks_fanout_start(void)
{
    if (F.running)
        return ZB_OK;
    F.stop = false;
    F.kick = true; /* a task left sending by the CLI, a restart or the demo goes out at once */
    if (pthread_create(&F.th, NULL, fanout_main, NULL))
        return ZB_EIO;
    F.running = true;
    return ZB_OK;
}

void tasks_fanout_stop(void)
{
    if (!F.running)
        return;
    pthread_mutex_lock(&F.mu);
    F.stop = true;
    pthread_cond_signal(&F.cv);
    pthread_mutex_unlock(&F.mu);
    pthread_join(F.th, NULL);
    F.running = false;
}

void tasks_fanout_on_commit(void *arg)
{
    (void)arg;
    if (F.running && tasks_fanout_take())
        kick();
}
