/*
 * config.c - load and validate the JSON configuration against one table of keys.
 *
 * The table below is the single source of truth: each entry names a dotted key, its type,
 * bounds, default, optional environment variable and a line of documentation. Loading walks the
 * JSON object, rejects unknown keys and wrong types by name, fills defaults, applies the
 * environment, and then checks what no single key can (listen address, time zone).
 */
#include "bot/app/config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bot/base/log.h"
#include "bot/base/xmalloc.h"
#include "bot/delivery/channel.h"
#include "bot/delivery/notify.h"
#include "handlers/quiz/quiz.h"
#include "handlers/dues/dues.h"
#include "handlers/transfer/transfer.h"
#include "webhook/http/guard.h"

#define CONFIG_MAX_FILE (1024 * 1024)

enum ktype { K_STR, K_INT, K_BOOL, K_OBJ };

#define CONFIG_TEMPLATES_MAX 64 /* entries of wechat.templates */

struct key {
    const char *name;    /* dotted path in the JSON file */
    enum ktype type;     /* JSON type expected */
    size_t off;          /* offset of the field in struct config */
    long min, max;       /* K_INT bounds, inclusive */
    const char *def;     /* default as text: string value, number, "true"/"false" */
    const char *env;     /* environment variable that overrides the file, or NULL */
    const char *choices; /* K_STR: "a|b|c" allowed values, or NULL for any */
    const char *doc;     /* one line for `zhibu help config` */
};

#define F(field) offsetof(struct config, field)

static const struct key keys[] = {
    {"listen", K_STR, F(listen), 0, 0, "127.0.0.1:8080", NULL, NULL,
     "服务监听的地址和端口，HOST:PORT（IPv6 写 [::1]:PORT）"},
    {"database", K_STR, F(database), 0, 0, "var/zhibu.db", NULL, NULL,
     "SQLite 数据库文件；首次启动时连同目录一起创建；相对路径相对于配置文件"},
    {"timezone", K_STR, F(timezone), 0, 0, "Asia/Shanghai", NULL, NULL,
     "时区（IANA 名称），用于显示给人看的日期和定时任务"},
    {"log_level", K_STR, F(log_level), 0, 0, "info", "ZHIBU_LOG_LEVEL", "debug|info|warn|error",
     "写到标准错误的日志的最低级别"},
    {"storage.durability", K_BOOL, F(durability_power), 0, 0, "normal", NULL, "normal|power",
     "\"normal\"：zhibu 崩溃后回复不丢；\"power\"：断电也不丢"},
    {"testing", K_BOOL, F(testing), 0, 0, "false", NULL, NULL,
     "测试模式：时钟可从 ZHIBU_TEST_NOW_FILE 读取；生产环境不要开"},
    {"server.body_limit", K_INT, F(body_limit), 1024, 16 * 1024 * 1024, "65536", NULL, NULL,
     "接受的最大请求体（字节），更大的回 413"},
    {"server.threads", K_INT, F(threads), 0, 256, "0", NULL, NULL,
     "HTTP 工作线程数；0 = 每个 CPU 核一个"},
    {"server.connection_limit", K_INT, F(connection_limit), 4, 100000, "1024", NULL, NULL,
     "同时打开的客户端连接上限"},
    {"server.request_timeout_s", K_INT, F(request_timeout_s), 1, 300, "15", NULL, NULL,
     "请求的头和体须在开始后这么多秒内全部到达"},
    {"server.max_conns_per_ip", K_INT, F(max_conns_per_ip), 1, 100000, "32", NULL, NULL,
     "同一客户端地址同时打开的连接上限（受信代理除外）"},
    {"server.trusted_proxies", K_STR, F(trusted_proxies), 0, 0, "127.0.0.1,::1", NULL, NULL,
     "不受 max_conns_per_ip 限制的地址（反向代理）：列表或逗号分隔的字符串"},
    {"server.public_url", K_STR, F(public_url), 0, 0, "", NULL, NULL,
     "成员手机打开页面和签名链接用的 https 地址；空 = http://LISTEN"},
    {"server.link_secret", K_STR, F(link_secret), 0, 0, "", "ZHIBU_LINK_SECRET", NULL,
     "签名链接的密钥，至少 16 字节（密钥）；空 = 首次自动生成并存入数据库"},
    {"tasks.require_review", K_BOOL, F(tasks.require_review), 0, 0, "false", NULL, NULL,
     "通知须经另一名支委在待办中同意后才发出"},
    {"tasks.remind_after_h", K_INT, F(tasks.remind_after_h), 0, 24 * 30, "24", NULL, NULL,
     "通知发出后多少小时提醒未回复的人一次；0 = 不提醒"},
    {"tasks.remind_before_h", K_INT, F(tasks.remind_before_h), 0, 24 * 30, "24", NULL, NULL,
     "截止前多少小时再提醒未回复的人一次；0 = 不提醒"},
    {"session.ttl_s", K_INT, F(session_ttl_s), 30, 7 * 86400, "1800", NULL, NULL,
     "多轮对话（和“更多”分页）在这么多秒后过期"},
    {"wechat.enabled", K_BOOL, F(wechat.enabled), 0, 0, "false", NULL, NULL,
     "在 /wechat 提供公众号服务"},
    {"wechat.app_id", K_STR, F(wechat.app_id), 0, 0, "", NULL, NULL,
     "公众号的 AppID；配置 encoding_aes_key 时必填（每条加密消息都会核对）"},
    {"wechat.app_secret", K_STR, F(wechat.app_secret), 0, 0, "", "ZHIBU_WECHAT_APP_SECRET", NULL,
     "AppSecret，调用平台接口用（密钥）"},
    {"wechat.token", K_STR, F(wechat.token), 0, 0, "", "ZHIBU_WECHAT_TOKEN", NULL,
     "公众号后台“服务器配置”里的 Token（密钥）；启用时必填"},
    {"wechat.encoding_aes_key", K_STR, F(wechat.encoding_aes_key), 0, 0, "", "ZHIBU_WECHAT_AES_KEY",
     NULL, "EncodingAESKey，43 个字符（密钥）；空 = 只用明文模式"},
    {"wechat.mode", K_STR, F(wechat.mode), 0, 0, "", NULL, NULL,
     "消息加解密方式，与后台一致：plain 明文、compatible 兼容、safe 安全；空 = 有 encoding_aes_key "
     "时 safe，否则 plain"},
    {"wechat.timestamp_window_s", K_INT, F(wechat.timestamp_window_s), 0, 86400 * 365, "300", NULL,
     NULL, "时间戳与现在相差超过这么多秒的请求被拒绝；0 = 不检查"},
    {"wechat.api_base", K_STR, F(wechat.api_base), 0, 0, "https://api.weixin.qq.com", NULL, NULL,
     "微信接口的基础地址（测试时指向假服务器）"},
    {"wechat.cs_window_s", K_INT, F(wechat.cs_window_s), 60, 7 * 86400, "172800", NULL, NULL,
     "成员自己发消息后这么长时间内可发客服消息（48 小时）"},
    {"wechat.cs_limit", K_INT, F(wechat.cs_limit), 0, 1000, "5", NULL, NULL,
     "每个窗口内的客服消息条数，之后改发模板消息；0 = 不发客服消息"},
    {"wechat.templates", K_OBJ, 0, 0, 0, "{}", NULL, NULL,
     "按消息类型（notify 类型如 meeting.reminder，或 "
     "reply|reminder|broadcast|digest）配置模板：{\"id\": 模板ID, \"fields\": {\"thing1\": "
     "\"title\", \"time2\": \"time\", ...}, \"type\": \"template\"|\"subscribe\"}；fields "
     "把模板的字段对应到 "
     "title|time|place|status|link|text（按平台限制截断）；在客服窗口外使用，先模板后订阅"},
    {"wechat.template.reply", K_STR, F(wechat.template_id[0]), 0, 0, "", NULL, NULL,
     "已弃用（仍可加载，会警告）：改用 wechat.templates.reply {\"id\"}"},
    {"wechat.template.reminder", K_STR, F(wechat.template_id[1]), 0, 0, "", NULL, NULL,
     "已弃用：改用 wechat.templates.reminder {\"id\"}"},
    {"wechat.template.broadcast", K_STR, F(wechat.template_id[2]), 0, 0, "", NULL, NULL,
     "已弃用：改用 wechat.templates.broadcast {\"id\"}"},
    {"wechat.template.digest", K_STR, F(wechat.template_id[3]), 0, 0, "", NULL, NULL,
     "已弃用：改用 wechat.templates.digest {\"id\"}"},
    {"wechat.subscribe.reply", K_STR, F(wechat.subscribe_id[0]), 0, 0, "", NULL, NULL,
     "已弃用：改用 wechat.templates.reply {\"id\", \"type\": \"subscribe\"}"},
    {"wechat.subscribe.reminder", K_STR, F(wechat.subscribe_id[1]), 0, 0, "", NULL, NULL,
     "已弃用：改用 wechat.templates.reminder {\"id\", \"type\": \"subscribe\"}"},
    {"wechat.subscribe.broadcast", K_STR, F(wechat.subscribe_id[2]), 0, 0, "", NULL, NULL,
     "已弃用：改用 wechat.templates.broadcast {\"id\", \"type\": \"subscribe\"}"},
    {"wechat.subscribe.digest", K_STR, F(wechat.subscribe_id[3]), 0, 0, "", NULL, NULL,
     "已弃用：改用 wechat.templates.digest {\"id\", \"type\": \"subscribe\"}"},
    {"wechat.template_field", K_STR, F(wechat.template_field), 0, 0, "content", NULL, NULL,
     "入队时没有字段数据的消息，其正文放进模板的这个字段"},
    {"onebot.enabled", K_BOOL, F(onebot.enabled), 0, 0, "false", NULL, NULL,
     "在 /qq/onebot 接收 OneBot v11 实现的 HTTP POST 上报"},
    {"onebot.secret", K_STR, F(onebot.secret), 0, 0, "", "ZHIBU_ONEBOT_SECRET", NULL,
     "X-Signature 的密钥（对消息体做 HMAC-SHA1）；空 = 上报不签名（密钥）"},
    {"onebot.access_token", K_STR, F(onebot.access_token), 0, 0, "", "ZHIBU_ONEBOT_ACCESS_TOKEN",
     NULL, "OneBot HTTP 接口的 Bearer 令牌（密钥）"},
    {"onebot.self_id", K_STR, F(onebot.self_id), 0, 0, "", NULL, NULL,
     "机器人的 QQ 号；X-Self-ID 不同的上报被拒绝；空 = 不限"},
    {"onebot.api_base", K_STR, F(onebot.api_base), 0, 0, "http://127.0.0.1:5700", NULL, NULL,
     "OneBot HTTP 接口的基础地址，zhibu 主动发消息用"},
    {"onebot.group_prefix", K_STR, F(onebot.group_prefix), 0, 0, "#", NULL, NULL,
     "群消息以此开头即是对 zhibu 说的（@ 机器人或菜单关键词也算）"},
    {"qqbot.enabled", K_BOOL, F(qqbot.enabled), 0, 0, "false", NULL, NULL,
     "在 /qq/bot 接收 QQ 开放平台机器人的回调"},
    {"qqbot.app_id", K_STR, F(qqbot.app_id), 0, 0, "", NULL, NULL, "机器人的 AppID"},
    {"qqbot.secret", K_STR, F(qqbot.secret), 0, 0, "", "ZHIBU_QQBOT_SECRET", NULL,
     "机器人的 AppSecret：校验回调、获取访问令牌（密钥）"},
    {"qqbot.api_base", K_STR, F(qqbot.api_base), 0, 0, "https://api.sgroup.qq.com", NULL, NULL,
     "开放平台接口的基础地址（测试时指向假服务器）"},
    {"qqbot.token_url", K_STR, F(qqbot.token_url), 0, 0,
     "https://bots.qq.com/app/getAppAccessToken", NULL, NULL,
     "获取访问令牌的地址（测试时指向假服务器）"},
    {"qqbot.active_push", K_BOOL, F(qqbot.active_push), 0, 0, "false", NULL, NULL,
     "发送主动消息（非回复）；平台已限制这类消息"},
    {"qqbot.group_prefix", K_STR, F(qqbot.group_prefix), 0, 0, "#", NULL, NULL,
     "群消息（机器人能收到全部群消息时）以此开头才是对 zhibu 说的"},
    {"qqbot.timestamp_window_s", K_INT, F(qqbot.timestamp_window_s), 0, 86400 * 365, "0", NULL,
     NULL,
     "X-Signature-Timestamp 与现在相差超过这么多秒的回调被拒绝；0 = "
     "不检查（平台没有规定窗口；重放的事件按日志中的回复应答）"},
    {"outbox.concurrency", K_INT, F(outbox.concurrency), 1, 256, "16", NULL, NULL,
     "发送线程同时进行的平台接口请求上限"},
    {"outbox.max_attempts", K_INT, F(outbox.max_attempts), 1, 100, "10", NULL, NULL,
     "尝试这么多次后标记为失败"},
    {"outbox.backoff_s", K_INT, F(outbox.backoff_s), 1, 3600, "2", NULL, NULL,
     "第一次重试前的等待秒数；每次加倍，带随机抖动"},
    {"outbox.backoff_max_s", K_INT, F(outbox.backoff_max_s), 1, 86400, "1800", NULL, NULL,
     "两次尝试之间的最长等待秒数"},
    {"wxmini.enabled", K_BOOL, F(wxmini.enabled), 0, 0, "false", NULL, NULL,
     "在 /wechat/mini 接收小程序的消息推送"},
    {"wxmini.app_id", K_STR, F(wxmini.app_id), 0, 0, "", NULL, NULL,
     "小程序的 AppID（加密推送的接收方 ID、访问令牌）"},
    {"wxmini.app_secret", K_STR, F(wxmini.app_secret), 0, 0, "", "ZHIBU_WXMINI_APP_SECRET", NULL,
     "小程序的 AppSecret，获取访问令牌用（密钥）"},
    {"wxmini.token", K_STR, F(wxmini.token), 0, 0, "", "ZHIBU_WXMINI_TOKEN", NULL,
     "小程序后台消息推送的 Token（密钥）"},
    {"wxmini.encoding_aes_key", K_STR, F(wxmini.encoding_aes_key), 0, 0, "", "ZHIBU_WXMINI_AES_KEY",
     NULL, "小程序消息推送的 EncodingAESKey，43 个字符（密钥）"},
    {"wxmini.mode", K_STR, F(wxmini.mode), 0, 0, "", NULL, "|plain|compatible|safe",
     "消息推送方式，与后台一致；默认有 encoding_aes_key 时 safe，否则 plain"},
    {"wxmini.api_base", K_STR, F(wxmini.api_base), 0, 0, "https://api.weixin.qq.com", NULL, NULL,
     "小程序用的微信接口基础地址（测试时指向假服务器）"},
    {"wxmini.templates", K_OBJ, 0, 0, 0, "{}", NULL, NULL,
     "按消息类型配置订阅消息模板：{类型: {\"id\", \"fields\": {字段: "
     "内容}}}，小程序上报一次授权发一次"},
    {"outbox.timeout_ms", K_INT, F(outbox.timeout_ms), 100, 120000, "10000", NULL, NULL,
     "一次平台接口请求的超时（毫秒）"},
    {"outbox.rate_pause_s", K_INT, F(outbox.rate_pause_s), 1, 86400, "60", NULL, NULL,
     "平台回答“请求过多”后，这么多秒内不再向它发送"},
    {"outbox.keep_days", K_INT, F(outbox.keep_days), 0, 3650, "180", NULL, NULL,
     "已送达的消息保留这么多天后删除；0 = 一直保留；失败的消息不删"},
    {"outbox.channel_order", K_STR, F(outbox.channel_order), 0, 0, "wechat,wxmini,onebot,qqbot",
     NULL, NULL, "成员有多个身份时依次尝试的平台"},
    {"ratelimit.wechat", K_INT, F(ratelimit.wechat), 0, 100000, "50", NULL, NULL,
     "每秒发往微信接口的消息数；0 = 不限"},
    {"ratelimit.onebot", K_INT, F(ratelimit.onebot), 0, 100000, "2", NULL, NULL,
     "每秒经 OneBot 发出的消息数（QQ 号发得太快会被冻结）；0 = 不限"},
    {"ratelimit.qqbot", K_INT, F(ratelimit.qqbot), 0, 100000, "5", NULL, NULL,
     "每秒发往 QQ 开放平台的消息数；0 = 不限"},
    {"api.enabled", K_BOOL, F(api.enabled), 0, 0, "false", NULL, NULL,
     "在 /api/v1 提供 REST 接口（小程序和管理后台）"},
    {"api.token_ttl_s", K_INT, F(api.token_ttl_s), 60, 365 * 86400, "604800", NULL, NULL,
     "接口的 Bearer 令牌签发后这么多秒过期"},
    {"api.rate_per_min", K_INT, F(api.rate_per_min), 1, 100000, "120", NULL, NULL,
     "每个令牌每分钟的请求数；超出回 429"},
    {"api.login_per_min", K_INT, F(api.login_per_min), 0, 100000, "30", NULL, NULL,
     "每个客户端地址每分钟的登录次数（每次调用一次 "
     "jscode2session，其配额全应用共用；在代理后面则是全部登录的上限）；超出回 429；0 = 不限"},
    {"meetings.checkin_before_min", K_INT, F(meetings.checkin_before_min), 0, 240, "30", NULL, NULL,
     "会议开始前多少分钟可以签到"},
    {"meetings.checkin_after_min", K_INT, F(meetings.checkin_after_min), 0, 240, "30", NULL, NULL,
     "会议开始后多少分钟内还能签到"},
    {"meetings.quorum_leave_shrinks", K_BOOL, F(meetings.quorum_leave_shrinks), 0, 0, "false", NULL,
     NULL, "请假的党员是否不计入党员大会应到人数（默认仍计入）"},
    {"meetings.lessons_per_year", K_INT, F(meetings.lessons_per_year), 1, 12, "4", NULL, NULL,
     "每年应上党课次数；4 次及以上按季度检查，少于 4 "
     "次按全年检查（各地规定不一：每年、每半年、每季度）"},
    {"meetings.quiet_days", K_INT, F(meetings.quiet_days), 7, 365, "30", NULL, NULL,
     "支部连续多少天没有开会时提醒书记"},
    {"api.login_timeout_ms", K_INT, F(api.login_timeout_ms), 100, 60000, "5000", NULL, NULL,
     "登录调用 jscode2session 的超时（毫秒）；更慢回 504"},
    {"quiz.questions_per_round", K_INT, F(quiz.questions_per_round), 1, 20, "5", NULL, NULL,
     "一轮答题的题数"},
    {"quiz.contest_seconds", K_INT, F(quiz.contest_seconds), 5, 600, "30", NULL, NULL,
     "群竞答（开始竞答）每题的时限（秒）"},
    {"quiz.bank_dir", K_STR, F(quiz.bank_dir), 0, 0, "content/quiz", NULL, NULL,
     "内置题库（*.json）所在目录，`zhibu demo seed` 导入并审核通过"},
    {"content.review_levels", K_INT, F(content.review_levels), 1, 2, "1", NULL, NULL,
     "学习内容和题库的审核级数：1，或 2（再由所属组织或上级组织的书记或副书记签一次）"},
    {"content.sensitive_words", K_STR, F(content.sensitive_words), 0, 0, "", NULL, NULL,
     "敏感词文件，每行一个；含敏感词的内容导入时被拒绝"},
    {"study.digest_time", K_STR, F(study.digest_time), 0, 0, "07:30", NULL, NULL,
     "每日摘要发给订阅成员的当地时间（HH:MM）"},
    {"study.daily_points_cap", K_INT, F(study.daily_points_cap), 0, 1000, "20", NULL, NULL,
     "成员每天最多获得的学习和答题积分（读一篇一分，答对一题一分）；0 = 不限"},
    {"study.show_rankings", K_BOOL, F(study.show_rankings), 0, 0, "false", NULL, NULL,
     "竞答结果中列出成绩好的成员姓名（关闭时只显示人数和比例）"},
    {"study.audiences", K_OBJ, 0, 0, 0, "{}", NULL, NULL,
     "受众标签：{标签: {\"categories\": [...], \"post_words\": [...], \"education_words\": "
     "[...]}}"},
    {"dues.employed_rates", K_STR, F(dues.employed_rates), 0, 0, "3000:0.5,5000:1,10000:1.5,*:2",
     NULL, NULL,
     "在职党员党费：税后月收入档（上限，元，含）: 占全部收入的百分比；默认按 2008 年规定"},
    {"dues.retired_rates", K_STR, F(dues.retired_rates), 0, 0, "5000:0.5,*:1", NULL, NULL,
     "离退休党员党费：养老金档（上限，元）: 百分比"},
    {"dues.flat", K_STR, F(dues.flat), 0, 0, "0.20", NULL, NULL,
     "学生、失业和领取低保或救济的党员每月交纳的元数"},
    {"dues.farmer", K_STR, F(dues.farmer), 0, 0, "0.20", NULL, NULL,
     "农民党员每月交纳的元数（0.20 至 1.00）"},
    {"dues.rounding", K_STR, F(dues.rounding), 0, 0, "half_up", NULL, "half_up|down|up",
     "党费算到分时的取舍方式：half_up 四舍五入，down 舍去，up 进位"},
    {"dues.probationary_from", K_STR, F(dues.probationary_from), 0, 0, "admission", NULL,
     "admission|approval",
     "预备党员从何时开始交党费：admission 支部大会通过接收时，approval 上级党委批准时"},
    {"dues.reminder_day", K_INT, F(dues.reminder_day), 1, 28, "25", NULL, NULL,
     "每月几号提醒未交党费的党员（一次，普通提醒）"},
    {"dues.backpay_months", K_INT, F(dues.backpay_months), 1, 120, "6", NULL, NULL,
     "一次补交最多几个月无需组织委员确认"},
    {"transfer.routes", K_STR, F(transfer.routes), 0, 0, "", NULL, NULL,
     "关系接转的路由规则，“来源 -> 去向 : 经办1, 经办2”，多条用“;”分隔（来源为路径或 "
     "*，去向为路径、* 或 "
     "external）：经办组织排在转出方逐级上行之后"},
    {"transfer.approvers", K_STR, F(transfer.approvers), 0, 0, TRANSFER_APPROVERS_DEFAULT, NULL,
     NULL,
     "每个组织由谁审批接转，“组织 : 职务, 职务”，多条用“;”分隔（组织为路径、唯一名称或 *，"
     "第一条匹配的生效）"},
    {"transfer.remind_after_days", K_INT, F(transfer.remind_after_days), 1, 60, "3", NULL, NULL,
     "接转的某一步停留多少天后提醒经办人"},
    {"transfer.validity_city_days", K_INT, F(transfer.validity_city_days), 1, 180, "10", NULL, NULL,
     "市内介绍信默认有效天数（各地规定不一，默认 10 天）"},
    {"transfer.validity_outside_days", K_INT, F(transfer.validity_outside_days), 1, 180, "30", NULL,
     NULL, "出市介绍信默认有效天数（各地规定不一，默认 30 天）"},
    {"transfer.validity_max_days", K_INT, F(transfer.validity_max_days), 1, 180, "90", NULL, NULL,
     "介绍信最长有效天数（3 个月；跨省可设 180）"},
    {"transfer.expiry_warn_days", K_INT, F(transfer.expiry_warn_days), 0, 30, "3", NULL, NULL,
     "介绍信到期前多少天提醒党员和转出方书记"},
};

#define NKEYS (sizeof keys / sizeof keys[0])

const char *config_resolve_path(const char *explicit_path)
{
    if (explicit_path && *explicit_path)
        return explicit_path;
    const char *env = getenv("ZHIBU_CONFIG");
    if (env && *env)
        return env;
    if (access("config/zhibu.json", R_OK) == 0)
        return "config/zhibu.json";
    return CONFIG_DEMO_PATH;
}

static const struct key *find_key(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

/* is_section - true when some key starts with "name." */
static int is_section(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < NKEYS; i++)
        if (strncmp(keys[i].name, name, n) == 0 && keys[i].name[n] == '.')
            return 1;
    return 0;
}

static char **str_field(struct config *c, const struct key *k)
{
    return (char **)((char *)c + k->off);
}

static long *int_field(struct config *c, const struct key *k)
{
    return (long *)((char *)c + k->off);
}

static bool *bool_field(struct config *c, const struct key *k)
{
    return (bool *)((char *)c + k->off);
}

static int choice_ok(const char *choices, const char *v)
{
    size_t n = strlen(v);
    const char *p = choices;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return 1;
        if (!bar)
            break;
        p = bar + 1;
    }
    return 0;
}

/* set_value - store text v for key k (from a default, the file or the environment). */
static int set_value(struct config *c, const struct key *k, const char *v, char *err, size_t errsz)
{
    switch (k->type) {
    case K_OBJ:
        return ZB_OK; /* loaded from the file by its own parser (walk) */
    case K_STR: {
        if (k->choices && !choice_ok(k->choices, v)) {
            snprintf(err, errsz, "配置项 \"%s\"：\"%s\" 不在可选值 %s 之中", k->name, v,
                     k->choices);
            return ZB_ECONFIG;
        }
        char **f = str_field(c, k);
        free(*f);
        *f = xstrdup(v);
        return ZB_OK;
    }
    case K_INT: {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || end == v || *end || n < k->min || n > k->max) {
            snprintf(err, errsz, "配置项 \"%s\"：应为 %ld 到 %ld 之间的整数", k->name, k->min,
                     k->max);
            return ZB_ECONFIG;
        }
        *int_field(c, k) = n;
        return ZB_OK;
    }
    case K_BOOL:
        if (k->choices) { /* a two-valued string stored as a bool: second choice is true */
            if (!choice_ok(k->choices, v)) {
                snprintf(err, errsz, "配置项 \"%s\"：\"%s\" 不在可选值 %s 之中", k->name, v,
                         k->choices);
                return ZB_ECONFIG;
            }
            *bool_field(c, k) =
                strchr(k->choices, '|') && strcmp(v, strchr(k->choices, '|') + 1) == 0;
            return ZB_OK;
        }
        if (strcmp(v, "true") && strcmp(v, "false")) {
            snprintf(err, errsz, "配置项 \"%s\"：应为 true 或 false", k->name);
            return ZB_ECONFIG;
        }
        *bool_field(c, k) = strcmp(v, "true") == 0;
        return ZB_OK;
    }
    return ZB_ECONFIG;
}

/* set_json - store JSON item j for key k, checking its JSON type. */
/* set_list - a JSON array of strings as one comma-separated string value of k. */
static int set_list(struct config *c, const struct key *k, const cJSON *j, char *err, size_t errsz)
{
    char joined[1024] = "";
    size_t used = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, j)
    {
        if (!cJSON_IsString(it) || strchr(it->valuestring, ',')) {
            snprintf(err, errsz, "配置项 \"%s\"：应为地址列表", k->name);
            return ZB_ECONFIG;
        }
        int n =
            snprintf(joined + used, sizeof joined - used, "%s%s", used ? "," : "", it->valuestring);
        if (n < 0 || (size_t)n >= sizeof joined - used) {
            snprintf(err, errsz, "配置项 \"%s\"：列表太长", k->name);
            return ZB_ECONFIG;
        }
        used += (size_t)n;
    }
    return set_value(c, k, joined, err, errsz);
}

static int set_json(struct config *c, const struct key *k, const cJSON *j, char *err, size_t errsz)
{
    char num[32];
    if (k->type == K_STR && k->off == F(onebot.self_id) && cJSON_IsNumber(j)) {
        /* a QQ number is a number to whoever writes the file: take it as its digits */
        double d = cJSON_GetNumberValue(j);
        if (!(d > 0 && d < 9007199254740992.0) || d != (double)(long long)d) {
            snprintf(err, errsz, "配置项 \"%s\"：应为 QQ 号（数字）", k->name);
            return ZB_ECONFIG;
        }
        snprintf(num, sizeof num, "%lld", (long long)d);
        return set_value(c, k, num, err, errsz);
    }
    if (k->off == F(trusted_proxies) && cJSON_IsArray(j))
        return set_list(c, k, j, err, errsz);
    if (k->type == K_STR || (k->type == K_BOOL && k->choices)) {
        if (!cJSON_IsString(j)) {
            snprintf(err, errsz, "配置项 \"%s\"：应为字符串", k->name);
            return ZB_ECONFIG;
        }
        return set_value(c, k, j->valuestring, err, errsz);
    }
    if (k->type == K_INT) {
        double d = cJSON_GetNumberValue(j);
        if (!cJSON_IsNumber(j) || d != (double)(long)d) {
            snprintf(err, errsz, "配置项 \"%s\"：应为整数", k->name);
            return ZB_ECONFIG;
        }
        snprintf(num, sizeof num, "%ld", (long)d);
        return set_value(c, k, num, err, errsz);
    }
    if (!cJSON_IsBool(j)) {
        snprintf(err, errsz, "配置项 \"%s\"：应为 true 或 false", k->name);
        return ZB_ECONFIG;
    }
    return set_value(c, k, cJSON_IsTrue(j) ? "true" : "false", err, errsz);
}

/* kind_ok - a message kind: 1..NOTIFY_KIND_MAX bytes of [a-z0-9_.]. */
static int kind_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > NOTIFY_KIND_MAX)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

/* A templates list of the config: wechat.templates or wxmini.templates. */
struct tlist {
    const char *section;                 /* "wechat" or "wxmini" */
    struct channel_template **templates; /* the array */
    size_t *n;                           /* its entries */
};

static struct tlist tlist_of(struct config *c, bool wxmini)
{
    if (wxmini)
        return (struct tlist){"wxmini", &c->wxmini.templates, &c->wxmini.ntemplates};
    return (struct tlist){"wechat", &c->wechat.templates, &c->wechat.ntemplates};
}

static struct channel_template *tlist_add(struct tlist l, const char *kind, const char *id,
                                          bool subscribe)
{
    *l.templates = xrealloc(*l.templates, (*l.n + 1) * sizeof **l.templates);
    struct channel_template *t = &(*l.templates)[(*l.n)++];
    memset(t, 0, sizeof *t);
    t->kind = xstrdup(kind);
    t->id = xstrdup(id);
    t->subscribe = subscribe;
    return t;
}

static struct channel_template *template_add(struct config *c, const char *kind, const char *id,
                                             bool subscribe)
{
    return tlist_add(tlist_of(c, false), kind, id, subscribe);
}

/* template_fields - the "fields" object of one template into t. */
static int template_fields(struct channel_template *t, const cJSON *fields, const char *name,
                           char *err, size_t errsz)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        if (!cJSON_IsString(f) || notify_field_parse(f->valuestring) < 0) {
            snprintf(err, errsz,
                     "配置项 \"%s.fields.%.40s\"：应为 \"title\"、\"time\"、\"place\"、"
                     "\"status\"、\"link\"、\"text\" 之一",
                     name, f->string);
            return ZB_ECONFIG;
        }
        if (!*f->string || strlen(f->string) > 32 || t->nfields >= CHANNEL_TEMPLATE_FIELDS) {
            snprintf(err, errsz, "配置项 \"%s.fields\"：字段名 1 到 32 字节，最多 %d 个", name,
                     CHANNEL_TEMPLATE_FIELDS);
            return ZB_ECONFIG;
        }
        t->key[t->nfields] = xstrdup(f->string);
        t->field[t->nfields++] = notify_field_parse(f->valuestring);
    }
    return ZB_OK;
}

/*
 * templates_load - SECTION.templates (wechat or wxmini): {KIND: {"id": ID, "fields": {KEY:
 * FIELD}, "type": "template"|"subscribe"}}. Every problem names its key. The mini-program has
 * subscribe messages only: its entries are subscribe messages whatever their type.
 */
static int templates_load(struct tlist l, const cJSON *obj, char *err, size_t errsz)
{
    const cJSON *it;
    if (!cJSON_IsObject(obj)) {
        snprintf(err, errsz, "配置项 \"%s.templates\"：应为对象", l.section);
        return ZB_ECONFIG;
    }
    cJSON_ArrayForEach(it, obj)
    {
        char name[128];
        snprintf(name, sizeof name, "%s.templates.%.64s", l.section, it->string);
        if (*it->string == '_')
            continue;
        if (!kind_ok(it->string)) {
            snprintf(err, errsz, "配置项 \"%s\"：消息类型只能含 a-z、0-9、_ 和 .", name);
            return ZB_ECONFIG;
        }
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(it, "type");
        const cJSON *fields = cJSON_GetObjectItemCaseSensitive(it, "fields");
        const cJSON *m;
        if (!cJSON_IsObject(it) || !cJSON_IsString(id) || !*id->valuestring ||
            strlen(id->valuestring) > 90) {
            snprintf(err, errsz, "配置项 \"%s\"：应为 {\"id\": \"模板ID\", \"fields\": {...}}",
                     name);
            return ZB_ECONFIG;
        }
        cJSON_ArrayForEach(m, it)
        {
            if (strcmp(m->string, "id") && strcmp(m->string, "type") &&
                strcmp(m->string, "fields") && *m->string != '_') {
                snprintf(err, errsz, "未知配置项 \"%s.%.40s\"（见 zhibu help config）", name,
                         m->string);
                return ZB_ECONFIG;
            }
        }
        if (type && (!cJSON_IsString(type) || (strcmp(type->valuestring, "template") &&
                                               strcmp(type->valuestring, "subscribe")))) {
            snprintf(err, errsz, "配置项 \"%s.type\"：应为 \"template\" 或 \"subscribe\"", name);
            return ZB_ECONFIG;
        }
        if (fields && !cJSON_IsObject(fields)) {
            snprintf(err, errsz, "配置项 \"%s.fields\"：应为对象", name);
            return ZB_ECONFIG;
        }
        bool sub = (type && strcmp(type->valuestring, "subscribe") == 0) ||
                   strcmp(l.section, "wxmini") == 0;
        for (size_t i = 0; i < *l.n; i++)
            if (strcmp((*l.templates)[i].kind, it->string) == 0) {
                snprintf(err, errsz, "配置项 \"%s\"：重复出现", name);
                return ZB_ECONFIG;
            }
        if (*l.n >= CONFIG_TEMPLATES_MAX) {
            snprintf(err, errsz, "配置项 \"%s.templates\"：最多 %d 种消息类型", l.section,
                     CONFIG_TEMPLATES_MAX);
            return ZB_ECONFIG;
        }
        struct channel_template *t = tlist_add(l, it->string, id->valuestring, sub);
        if (fields && template_fields(t, fields, name, err, errsz))
            return ZB_ECONFIG;
    }
    return ZB_OK;
}

/*
 * templates_legacy - the old wechat.template.KIND and wechat.subscribe.KIND keys become
 * templates without a field map, each with a warning naming the new key. An old key for a kind
 * that wechat.templates also sets is an error: which one is meant is not clear.
 */
static int templates_legacy(struct config *c, char *err, size_t errsz)
{
    size_t nnew = c->wechat.ntemplates;
    for (int sub = 0; sub < 2; sub++) {
        for (int k = 0; k < OUTBOX_KIND_COUNT; k++) {
            const char *id = sub ? c->wechat.subscribe_id[k] : c->wechat.template_id[k];
            const char *kind = outbox_kind_name((enum outbox_kind)k);
            if (!id || !*id)
                continue;
            for (size_t i = 0; i < nnew; i++) {
                if (strcmp(c->wechat.templates[i].kind, kind) == 0) {
                    snprintf(err, errsz,
                             "配置项 \"wechat.%s.%s\"：同时配置了 wechat.templates.%s；"
                             "只保留新的配置项",
                             sub ? "subscribe" : "template", kind, kind);
                    return ZB_ECONFIG;
                }
            }
            log_warn("config %s: key \"wechat.%s.%s\" is deprecated; it still works, but write "
                     "it as \"wechat.templates.%s\": {\"id\": \"%s\"%s}",
                     c->path, sub ? "subscribe" : "template", kind, kind, id,
                     sub ? ", \"type\": \"subscribe\"" : "");
            template_add(c, kind, id, sub);
        }
    }
    return ZB_OK;
}

/* walk - apply every member of object obj, whose dotted prefix is prefix ("" at the top). */
static int walk(struct config *c, const cJSON *obj, const char *prefix, char *err, size_t errsz)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        char name[128];
        int n = snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "", it->string);
        if (n < 0 || (size_t)n >= sizeof name) {
            snprintf(err, errsz, "配置项 \"%.60s...\"：名字太长", name);
            return ZB_ECONFIG;
        }
        if (*it->string == '_' || strncmp(it->string, "//", 2) == 0)
            continue; /* "_comment" style keys document the file */
        const struct key *k = find_key(name);
        int rc;
        if (k && k->type == K_OBJ && strcmp(name, "study.audiences") == 0) {
            char *txt = cJSON_IsObject(it) ? cJSON_PrintUnformatted(it) : NULL;
            rc = txt ? ZB_OK : ZB_ECONFIG;
            if (txt) {
                free(c->study.audiences);
                c->study.audiences = txt;
            } else
                snprintf(err, errsz, "配置项 \"study.audiences\"：应为对象");
        } else if (k && k->type == K_OBJ)
            rc = templates_load(tlist_of(c, strncmp(name, "wxmini.", 7) == 0), it, err, errsz);
        else if (k)
            rc = set_json(c, k, it, err, errsz);
        else if (is_section(name) && cJSON_IsObject(it))
            rc = walk(c, it, name, err, errsz);
        else if (is_section(name)) {
            snprintf(err, errsz, "配置项 \"%s\"：应为对象", name);
            rc = ZB_ECONFIG;
        } else {
            snprintf(err, errsz, "未知配置项 \"%s\"（见 zhibu help config）", name);
            rc = ZB_ECONFIG;
        }
        if (rc)
            return rc;
    }
    return ZB_OK;
}

/* open_why - why fopen failed, in the operator's words (strerror is English). */
static const char *open_why(int e)
{
    switch (e) {
    case ENOENT:
        return "文件不存在";
    case EACCES:
    case EPERM:
        return "没有读取权限";
    case EISDIR:
        return "这是一个目录，不是文件";
    case ENOTDIR:
        return "路径中有一段不是目录";
    default:
        return "打开失败";
    }
}

static char *read_file(const char *path, char *err, size_t errsz)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsz, "无法打开：%s", open_why(errno));
        return NULL;
    }
    char *data = xmalloc(CONFIG_MAX_FILE + 1);
    size_t n = fread(data, 1, CONFIG_MAX_FILE + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || n > CONFIG_MAX_FILE) {
        snprintf(err, errsz, bad ? "无法读取文件" : "文件超过 1 MiB");
        free(data);
        return NULL;
    }
    data[n] = '\0';
    return data;
}

/* check_public_url - server.public_url: http(s)://HOST[...] without a trailing '/', or, when
 * empty, "http://" + listen. */
static int check_public_url(struct config *c, char *err, size_t errsz)
{
    char *u = c->public_url;
    if (!*u) {
        size_t n = strlen(c->listen) + sizeof "http://";
        free(c->public_url);
        c->public_url = xmalloc(n);
        snprintf(c->public_url, n, "http://%s", c->listen);
        return ZB_OK;
    }
    size_t n = strlen(u);
    while (n > 0 && u[n - 1] == '/')
        u[--n] = '\0';
    const char *host = strncmp(u, "https://", 8) == 0  ? u + 8
                       : strncmp(u, "http://", 7) == 0 ? u + 7
                                                       : NULL;
    if (!host || !*host || n > 200 || strpbrk(u, " ?#\"<>")) {
        snprintf(err, errsz,
                 "配置项 \"server.public_url\"：应为 https://HOST（不带查询），实际是 \"%.100s\"",
                 u);
        return ZB_ECONFIG;
    }
    return ZB_OK;
}

/* check_listen - HOST:PORT or [V6]:PORT with a port 1..65535. */
static int check_listen(const char *v)
{
    const char *colon = strrchr(v, ':');
    if (!colon || colon == v || !colon[1])
        return 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    return *end == '\0' && port >= 1 && port <= 65535;
}

static int check_timezone(const char *tz)
{
    char path[512];
    if (!*tz || strstr(tz, "..") || *tz == '/')
        return 0;
    if (strcmp(tz, "UTC") == 0)
        return 1;
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* relative_to_config - a relative database path names a file next to the config file: prefix
 * the config's directory (nothing to do for a config in the working directory). */
static void relative_to_config(struct config *c)
{
    const char *slash = strrchr(c->path, '/');
    if (c->database[0] == '/' || strcmp(c->database, ":memory:") == 0 || !slash)
        return;
    size_t dir = (size_t)(slash - c->path) + 1, n = strlen(c->database);
    char *p = xmalloc(dir + n + 1);
    memcpy(p, c->path, dir);
    memcpy(p + dir, c->database, n + 1);
    free(c->database);
    c->database = p;
}

/* configure_caps - hand each capability its settings once the config is valid. */
static void configure_caps(const struct config *c)
{
    struct quiz_settings q = {
        .per_round = (int)c->quiz.questions_per_round,
        .contest_seconds = (int)c->quiz.contest_seconds,
        .review_levels = (int)c->content.review_levels,
        .show_rankings = c->study.show_rankings,
        .daily_cap = (int)c->study.daily_points_cap,
        .bank_dir = c->quiz.bank_dir,
    };
    quiz_configure(&q);
}

int config_load(const char *path, struct config **out, char *err, size_t errsz)
{
    char sub[512] = "";
    int rc = ZB_ECONFIG;
    cJSON *root = NULL;
    char *data = NULL;
    struct config *c = xcalloc(1, sizeof *c);
    c->path = xstrdup(path);
    *out = NULL;

    for (size_t i = 0; i < NKEYS; i++)
        if (set_value(c, &keys[i], keys[i].def, sub, sizeof sub))
            goto done; /* a bad default is a bug; report it like any other error */
    data = read_file(path, sub, sizeof sub);
    if (!data)
        goto done;
    root = cJSON_ParseWithLength(data, strlen(data));
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        int line = 1;
        for (const char *p = data; at && p < at && *p; p++)
            line += *p == '\n';
        snprintf(sub, sizeof sub, "第 %d 行附近不是有效的 JSON", line);
        goto done;
    }
    if (!cJSON_IsObject(root)) {
        snprintf(sub, sizeof sub, "最外层必须是 JSON 对象");
        goto done;
    }
    if (walk(c, root, "", sub, sizeof sub))
        goto done;
    for (size_t i = 0; i < NKEYS; i++) {
        const char *v = keys[i].env ? getenv(keys[i].env) : NULL;
        if (v && *v && set_value(c, &keys[i], v, sub, sizeof sub))
            goto done;
    }
    if (templates_legacy(c, sub, sizeof sub))
        goto done;
    if (!check_listen(c->listen)) {
        snprintf(sub, sizeof sub, "配置项 \"listen\"：应为 HOST:PORT，实际是 \"%s\"", c->listen);
        goto done;
    }
    if (check_public_url(c, sub, sizeof sub))
        goto done;
    if (*c->link_secret && strlen(c->link_secret) < 16) {
        snprintf(sub, sizeof sub, "配置项 \"server.link_secret\"：至少 16 字节（或留空）");
        goto done;
    }
    if (guard_parse_trusted(c->trusted_proxies, sub, sizeof sub))
        goto done;
    if (!*c->database) {
        snprintf(sub, sizeof sub, "配置项 \"database\"：不能为空");
        goto done;
    }
    relative_to_config(c);
    if (!check_timezone(c->timezone)) {
        snprintf(sub, sizeof sub, "配置项 \"timezone\"：不认识时区 \"%s\"（是否安装了 tzdata？）",
                 c->timezone);
        goto done;
    }
    if (c->wechat.enabled && !*c->wechat.token) {
        snprintf(sub, sizeof sub,
                 "配置项 \"wechat.token\"：启用 wechat 时必填（或设置 ZHIBU_WECHAT_TOKEN）");
        goto done;
    }
    if (c->wechat.enabled && *c->wechat.encoding_aes_key && !*c->wechat.app_id) {
        snprintf(sub, sizeof sub,
                 "配置项 \"wechat.app_id\"：配置了 wechat.encoding_aes_key 时必填");
        goto done;
    }
    if (!*c->wxmini.mode) { /* the console's default: safe once a key is configured */
        free(c->wxmini.mode);
        c->wxmini.mode = xstrdup(*c->wxmini.encoding_aes_key ? "safe" : "plain");
    }
    if (c->wxmini.enabled && !*c->wxmini.token) {
        snprintf(sub, sizeof sub,
                 "配置项 \"wxmini.token\"：启用 wxmini 时必填（或设置 ZHIBU_WXMINI_TOKEN）");
        goto done;
    }
    if (c->wxmini.enabled && strcmp(c->wxmini.mode, "plain") != 0 &&
        (!*c->wxmini.encoding_aes_key || !*c->wxmini.app_id)) {
        snprintf(sub, sizeof sub, "配置项 \"%s\"：wxmini.mode 为 %s 时必填",
                 *c->wxmini.app_id ? "wxmini.encoding_aes_key" : "wxmini.app_id", c->wxmini.mode);
        goto done;
    }
    struct channel_rules order;
    if (channel_parse_order(&order, c->outbox.channel_order)) {
        snprintf(sub, sizeof sub,
                 "配置项 \"outbox.channel_order\"：应为 wechat、onebot、qqbot、wxmini 中的平台名，"
                 "用逗号分隔，每个至多一次；实际是 \"%s\"",
                 c->outbox.channel_order);
        goto done;
    }
    if (c->qqbot.enabled && (!*c->qqbot.app_id || !*c->qqbot.secret)) {
        snprintf(sub, sizeof sub, "配置项 \"%s\"：启用 qqbot 时必填（或设置 ZHIBU_QQBOT_SECRET）",
                 *c->qqbot.app_id ? "qqbot.secret" : "qqbot.app_id");
        goto done;
    }
    struct dues_rules dues;
    if (dues_rules_parse(c->dues.employed_rates, c->dues.retired_rates, c->dues.flat,
                         c->dues.farmer, c->dues.rounding, c->dues.probationary_from,
                         (int)c->dues.reminder_day, (int)c->dues.backpay_months, &dues, sub,
                         sizeof sub))
        goto done;
    dues_configure(&dues); /* the rules are process-wide, like the time zone */
    if (c->transfer.validity_city_days > c->transfer.validity_max_days ||
        c->transfer.validity_outside_days > c->transfer.validity_max_days) {
        snprintf(sub, sizeof sub, "配置项 \"transfer.validity_max_days\"：比默认有效天数还小");
        goto done;
    }
    char terr[160];
    if (transfer_set_rules(c->transfer.routes, terr, sizeof terr)) {
        snprintf(sub, sizeof sub, "配置项 \"transfer.routes\"：%s", terr);
        goto done;
    }
    if (transfer_set_approvers(c->transfer.approvers, terr, sizeof terr)) {
        snprintf(sub, sizeof sub, "配置项 \"transfer.approvers\"：%s", terr);
        goto done;
    }
    struct transfer_config tc = {
        (int)c->transfer.remind_after_days, (int)c->transfer.validity_city_days,
        (int)c->transfer.validity_outside_days, (int)c->transfer.validity_max_days,
        (int)c->transfer.expiry_warn_days};
    transfer_configure(&tc);
    rc = ZB_OK;
    configure_caps(c);
    *out = c;
    c = NULL;
done:
    if (rc)
        snprintf(err, errsz, "配置文件 %s：%s", path, sub);
    cJSON_Delete(root);
    free(data);
    config_free(c);
    return rc;
}

const char *config_str(const struct config *c, const char *key)
{
    const struct key *k = find_key(key);
    if (!c || !k || k->type != K_STR || strstr(k->doc, "（密钥）"))
        return NULL;
    return *(char *const *)((const char *)c + k->off);
}

void config_free(struct config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < NKEYS; i++)
        if (keys[i].type == K_STR)
            free(*str_field(c, &keys[i]));
    free(c->study.audiences);
    for (size_t i = 0; i < c->wechat.ntemplates; i++) {
        struct channel_template *t = &c->wechat.templates[i];
        free((char *)t->kind);
        free((char *)t->id);
        for (int j = 0; j < t->nfields; j++)
            free((char *)t->key[j]);
    }
    free(c->wechat.templates);
    for (size_t i = 0; i < c->wxmini.ntemplates; i++) {
        struct channel_template *t = &c->wxmini.templates[i];
        free((char *)t->kind);
        free((char *)t->id);
        for (int j = 0; j < t->nfields; j++)
            free((char *)t->key[j]);
    }
    free(c->wxmini.templates);
    free(c->path);
    free(c);
}

void config_print_doc(FILE *f)
{
    static const char *const tnames[] = {"字符串", "整数", "true|false", "对象"};
    fprintf(f, "配置项（JSON 文件；带点的名字写成嵌套对象）：\n\n");
    for (size_t i = 0; i < NKEYS; i++) {
        const struct key *k = &keys[i];
        const char *t = k->choices ? k->choices : tnames[k->type];
        fprintf(f, "  %-28s %-22s 默认 %s%s%s\n", k->name, t, *k->def ? k->def : "\"\"",
                k->env ? "，环境变量 " : "", k->env ? k->env : "");
        fprintf(f, "      %s\n", k->doc);
    }
}
