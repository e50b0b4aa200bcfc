"""Settings for 执行联动, read from environment variables.

Every setting has a safe local default except the production secret key. With no
DATABASE_URL the app runs on SQLite; with no CELERY_BROKER_URL Celery uses kombu's
filesystem transport, so a newcomer with only Python sees web, worker and beat work.
Set DJANGO_ENV=production for a real deployment (see README).
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("LINKAGE_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("生产环境必须通过环境变量 DJANGO_SECRET_KEY 设置密钥。")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
# Rotating the key: put the old one here (comma-separated) while sessions and signed links made with it expire.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "linkage.api.csrf_failure"  # a Chinese page (JSON under /api/), not Django's English one

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "bootstrap",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "linkage",
    "members",
    "cases",
    "assistance",
    "blacklist",
    "meetings",
    "grid",
    "assessment",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "linkage.locale.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "members.confinement.GridConfinementMiddleware",  # a grid liaison reaches only its pages (GRID_ALLOWED_PREFIXES)
    "linkage.otp.EnrolmentMiddleware",  # a role that must use the second factor enrols before anything else
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "linkage.audit.AuditMiddleware",
    "linkage.middleware.BoundedWorkMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "linkage.urls"
WSGI_APPLICATION = "linkage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "linkage.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
# A kept connection the server dropped (restart, failover) is replaced before a request uses it, not a 500.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if SQLITE:
    # The embedded default has web, worker and beat writing one file. A deferred transaction that reads, then
    # writes, fails at once with "database is locked" when another process writes meanwhile (SQLite cannot wait
    # there); IMMEDIATE takes the write lock when the transaction begins, where `timeout` makes it wait its turn.
    # WAL lets readers go on while one process writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the password is checked
    "linkage.lockout.AccountLockoutBackend",  # then the per-account limit, across addresses
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_404 = True
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "zh-hans"
# Chinese only: the English catalogue (locale/en) covers the navigation and the roster pages but not the rest, so the
# language switch is gone until it covers every page; a cookie asking for English is ignored (linkage.locale).
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded scans live outside the web root and are served only through views that check visibility.
MEDIA_ROOT = Path(env.str("LINKAGE_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # nothing is routed here: uploads are streamed by views that check visibility
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

REDIS_URL = env.str("REDIS_URL", default="")
REDIS_TIMEOUT = env.float("LINKAGE_REDIS_TIMEOUT", default=2.0)
if REDIS_URL:
    # A Redis that hangs (rather than refusing connections) must not hang the requests that use the cache: after
    # LINKAGE_REDIS_TIMEOUT seconds the call fails, and its callers degrade (e.g. the public search's rate limit).
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_timeout": REDIS_TIMEOUT, "socket_connect_timeout": REDIS_TIMEOUT},
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis in production and tests; kombu's filesystem transport when nothing is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A broker host that does not answer (dropped packets, a hung server) must not hold up a request that queues a
    # task, nor a worker for ever: connecting and each read or write give up after LINKAGE_REDIS_TIMEOUT seconds
    # (above the worker's 1-second blocking reads). A publish that fails is logged and its deliveries stay pending
    # for the periodic retry scan (linkage.notify.queue_deliveries).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": REDIS_TIMEOUT, "socket_connect_timeout": REDIS_TIMEOUT}
CELERY_TASK_IGNORE_RESULT = True
# Periodic scans keep their result (counts) when a backend is configured, e.g. for the worker integration tests.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ACKS_LATE = True
# A pool child killed mid-task (e.g. by the OOM killer) gives its message back: every task is idempotent (rows claimed
# in the database, unique reminder rows), so running it again repeats nothing and loses nothing.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# On SQLite one worker process at a time writes (see DATABASES above): tasks run one after another.
if SQLITE:
    CELERY_WORKER_CONCURRENCY = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# One beat, static schedule; each task claims its due rows in the database, so a redelivery is harmless.
CELERY_BEAT_SCHEDULE = {
    "calendar-coverage": {"task": "linkage.tasks.check_calendar_coverage", "schedule": crontab(hour=9, minute=0)},
    "notice-reminders": {"task": "assistance.tasks.scan_reminders", "schedule": crontab(minute="*/15")},
    "referral-reminders": {"task": "assistance.tasks.remind_referrals", "schedule": crontab(hour=8, minute=40)},
    "decision-reminders": {"task": "meetings.tasks.scan_decision_reminders", "schedule": crontab(minute="20")},
    "unit-digests": {"task": "assistance.tasks.send_digests", "schedule": crontab(minute="5,35")},
    "freeze-renewals": {"task": "assistance.tasks.scan_renewals", "schedule": crontab(hour=8, minute=45)},
    "retry-deliveries": {"task": "linkage.tasks.retry_deliveries", "schedule": crontab(minute="*/5")},
    "retry-webhooks": {"task": "members.tasks.retry_webhooks", "schedule": crontab()},
    # After the units' to-do lists (unit-digests, from 08:05 on working days), which it gathers with the rest.
    "daily-digests": {"task": "linkage.tasks.send_digests", "schedule": crontab(hour=8, minute=40)},
    "listing-expiry": {"task": "blacklist.tasks.expire_listings", "schedule": crontab(hour=1, minute=10)},
    # The priority queue of the list's errors (deletions falling due included): the clerk a working day ahead, the
    # leaders once overdue.
    "credit-priority-queue": {"task": "blacklist.tasks.remind_priority_queue", "schedule": crontab(hour=8, minute=50)},
    "special-notification-reminders": {"task": "cases.tasks.remind_special_notifications",
                                       "schedule": crontab(hour=8, minute=55)},
    "listing-push-reminders": {"task": "blacklist.tasks.remind_unacknowledged_pushes",
                               "schedule": crontab(minute="*/15")},
    # Credit-repair applications waiting for the leader's decision (due soon, then overdue; each once).
    # Urgent dispatch requests not acknowledged in time go to the committee: every minute, each escalated once.
    "dispatch-escalations": {"task": "assistance.tasks.escalate_dispatches", "schedule": crontab()},
    # Grid tasks unanswered when their due day has ended climb to the subdistrict's A/B contacts, each once; the
    # grid liaison is reminded on the due day's morning, each task once.
    "grid-task-escalations": {"task": "grid.tasks.escalate_grid_tasks", "schedule": crontab(minute="7")},
    "grid-task-due-reminders": {"task": "grid.tasks.remind_grid_tasks_due", "schedule": crontab(hour=8, minute=30)},
    # Graces (暂缓采取失信惩戒措施): missed instalments and ended graces are recorded and the clerk reminded.
    "grace-reminders": {"task": "blacklist.tasks.remind_graces", "schedule": crontab(hour=8, minute=52)},
    # Judicial suggestion letters unanswered: the unit before they fall due, the unit and the committee once overdue.
    "suggestion-reminders": {"task": "assistance.tasks.remind_suggestion_letters", "schedule": crontab(hour=8, minute=57)},
}
# A grace on a written promise to pay (暂缓采取失信惩戒措施, 云府 item 5): its default and maximum length in months.
LINKAGE_GRACE_DEFAULT_MONTHS = env.int("LINKAGE_GRACE_DEFAULT_MONTHS", default=3)
LINKAGE_GRACE_MAX_MONTHS = env.int("LINKAGE_GRACE_MAX_MONTHS", default=3)
# Reminders go out on working days only, from this hour (local time) on; the scans are idempotent.
REMINDER_HOUR = env.int("LINKAGE_REMINDER_HOUR", default=8)
# Overdue by this many working days → the court clerk and the committee's escalation list are told.
ESCALATE_AFTER_WORKING_DAYS = env.int("LINKAGE_ESCALATE_AFTER_WORKING_DAYS", default=3)
# Renewal reminders to the clerk this many days before a freeze or seal expires.
RENEWAL_DAYS_AHEAD = env.int("LINKAGE_RENEWAL_DAYS_AHEAD", default=30)
# Urgent dispatch (立即出警): the police acknowledge within this many minutes, else the committee is told.
DISPATCH_ACK_MINUTES = env.int("LINKAGE_DISPATCH_ACK_MINUTES", default=10)
# Special debtors (楚政法发〔2018〕3号 二（一）-（三）): the court notifies the congress, CPPCC, personnel department or
# superior organ within this many working days of the case's filing (the seed sets no limit; the product default).
SPECIAL_NOTIFICATION_WORKING_DAYS = env.int("LINKAGE_SPECIAL_NOTIFICATION_WORKING_DAYS", default=5)
# Administrative organs as debtors (云浮 item 8): a case is overdue once this many months have passed since filing
# unperformed (最高人民法院《关于人民法院办理执行案件若干期限的规定》第一条: executed within six months of filing).
ORGAN_PERFORMANCE_MONTHS = env.int("LINKAGE_ORGAN_PERFORMANCE_MONTHS", default=6)
# A locate or vehicle request (查人扣车) in force owes a status reply every this many days (stored per request).
TRACKING_STATUS_DAYS = env.int("LINKAGE_TRACKING_STATUS_DAYS", default=30)
# Credit repair (信用修复, 云府 item 5): the court decides an application within this many working days of receiving it.
CREDIT_REPAIR_WORKING_DAYS = env.int("LINKAGE_CREDIT_REPAIR_WORKING_DAYS", default=10)
# Judicial suggestion letters (司法建议函): the unit replies within this many calendar days of service (ending on a
# working day), and is reminded this many calendar days before the reply falls due.
LINKAGE_SUGGESTION_REPLY_DAYS = env.int("LINKAGE_SUGGESTION_REPLY_DAYS", default=30)
LINKAGE_SUGGESTION_REMIND_DAYS = env.int("LINKAGE_SUGGESTION_REMIND_DAYS", default=5)
# Referrals (issue 23): the police answers a crime referral (立案 or 不予立案决定书) within this many calendar days; the
# procuratorate answers a request for supervision of filing, and the discipline body a referral, within theirs;
# reminders go this many days before the due day.
CRIME_REFERRAL_ANSWER_DAYS = env.int("LINKAGE_CRIME_REFERRAL_ANSWER_DAYS", default=7)
CRIME_SUPERVISION_ANSWER_DAYS = env.int("LINKAGE_CRIME_SUPERVISION_ANSWER_DAYS", default=30)
DISCIPLINE_REFERRAL_ANSWER_DAYS = env.int("LINKAGE_DISCIPLINE_REFERRAL_ANSWER_DAYS", default=30)
REFERRAL_REMIND_DAYS_BEFORE = env.int("LINKAGE_REFERRAL_REMIND_DAYS_BEFORE", default=2)
# Digest: a unit's items due within this many working days.
DIGEST_HORIZON_WORKING_DAYS = env.int("LINKAGE_DIGEST_HORIZON_WORKING_DAYS", default=2)
SMS_GATEWAY = env.str("SMS_GATEWAY", default="linkage.notify.LoggingSMSGateway")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
# Seconds to wait for the gateway's answer; past it the send is "unknown" (结果待核实) and checked, not re-sent.
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)
# Where to ask what became of a message (GET ?idempotency_key=…); empty: unknown sends wait for the administrator.
SMS_GATEWAY_STATUS_URL = env.str("SMS_GATEWAY_STATUS_URL", default="")
# Quiet hours of anybody who set none ("" = none, e.g. "22:00-07:30", local time): non-urgent SMS and work-chat
# messages wait until they end; also the quiet hours of the units' chat groups.
NOTIFY_DEFAULT_QUIET_HOURS = env.str("NOTIFY_DEFAULT_QUIET_HOURS", default="")
# The site's address as users reach it (e.g. "https://zxld.example.gov.cn"): links in chat messages and digests.
NOTIFY_SITE_URL = env.str("NOTIFY_SITE_URL", default="")
# Work-chat gateways (linkage/chat.py), per channel; seconds to wait for a robot's or webhook's answer.
# Outbound webhooks (members.WebhookEndpoint): seconds to connect and to wait for the answer (bounded), and whether
# a plain http:// endpoint may be registered away from loopback (always allowed on 127.0.0.1/localhost/::1 and with
# DEBUG; never in production unless this is set, e.g. a unit's system on an isolated government intranet).
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
CHAT_GATEWAY_TIMEOUT = env.float("CHAT_GATEWAY_TIMEOUT", default=10.0)
CHAT_GATEWAYS = {
    "wecom": "linkage.chat.WeComRobotGateway",
    "dingtalk": "linkage.chat.DingTalkRobotGateway",
    "webhook": "linkage.chat.SignedWebhookGateway",
}
LINKAGE_MAX_UPLOAD_MB = env.int("LINKAGE_MAX_UPLOAD_MB", default=20)
# Bounded work per request: JSON nesting depth (deeper is a 400) and the wall-clock seconds a PDF may take to lay out
# (longer: the render process is killed and the page answers 503).
LINKAGE_JSON_MAX_DEPTH = env.int("LINKAGE_JSON_MAX_DEPTH", default=20)
LINKAGE_PDF_TIMEOUT = env.float("LINKAGE_PDF_TIMEOUT", default=30.0)
# PAdES signing keys and certificates (linkage/signing_keys.py): outside the database, readable only by the app
# (directories 0700, keys 0600). `manage.py signing_ca` creates the CA and the courts' and committee's identities.
LINKAGE_SIGNING_DIR = Path(env.str("LINKAGE_SIGNING_DIR", default=str(VAR_DIR / "signing")))
# An issuer with no signing key yet gets one under the self-made CA when it first issues (the demo, the tests); in
# production the keys are made or installed with `manage.py signing_ca` and a missing one refuses the issue.
LINKAGE_SIGNING_AUTO_ISSUE = env.bool("LINKAGE_SIGNING_AUTO_ISSUE", default=not PRODUCTION)
# 发文字号: each issuer's 机关代字 by organisation code (linkage/document_numbers.py); others use their short name.
LINKAGE_DOCUMENT_PREFIXES = {
    "lw-committee": "荔政法",
    "lw-court": "荔法",
}
# Dates of past facts (filing, decision, found-at) may not lie before this day (linkage/dates.py).
LINKAGE_EARLIEST_FACT_DATE = datetime.date.fromisoformat(env.str("LINKAGE_EARLIEST_FACT_DATE", default="1949-10-01"))
# Public list: identifiers masked as the first and last characters kept (domain rules: ID numbers 6 + 4; credit
# codes are public by law and shown in full); searches per client address per minute.
PUBLIC_ID_MASK_KEEP = (env.int("LINKAGE_PUBLIC_ID_KEEP_HEAD", default=6), env.int("LINKAGE_PUBLIC_ID_KEEP_TAIL", default=4))
PUBLIC_SEARCH_RATE_PER_MINUTE = env.int("LINKAGE_PUBLIC_SEARCH_RATE_PER_MINUTE", default=20)
# Issued documents (issue 24, linkage.verification): the address the public reaches the check page at (printed on
# every issued document and encoded in its QR code), the checks per client address per minute (the page and the API
# together), and the largest PDF the check page takes for the byte-for-byte comparison.
# The address the public and people without an account reach the site at: printed in every issued document's QR
# code and in a leader's briefing link. Defaults to the site address messages link to (NOTIFY_SITE_URL).
LINKAGE_PUBLIC_BASE_URL = env.str("LINKAGE_PUBLIC_BASE_URL", default=NOTIFY_SITE_URL or "http://localhost:8000")
VERIFY_RATE_PER_MINUTE = env.int("LINKAGE_VERIFY_RATE_PER_MINUTE", default=20)
VERIFY_UPLOAD_MAX_MB = env.int("LINKAGE_VERIFY_UPLOAD_MAX_MB", default=10)
# A masked ID number stays masked (issue 17 item 4, blacklist.public.guard): next to it the age is shown as a band of
# this many years ("30-39岁"; 0 shows no age); the exact-number search answers only with the exact name and a valid
# number, within a daily budget of distinct numbers per client address, with the app's own captcha after a few
# misses, and a masked pattern (head and tail) answers at most this many misses per window, across all clients.
PUBLIC_AGE_BAND_YEARS = env.int("LINKAGE_PUBLIC_AGE_BAND_YEARS", default=10)
PUBLIC_ID_DAILY_BUDGET = env.int("LINKAGE_PUBLIC_ID_DAILY_BUDGET", default=10)
PUBLIC_ID_CAPTCHA_AFTER_MISSES = env.int("LINKAGE_PUBLIC_ID_CAPTCHA_AFTER_MISSES", default=3)
PUBLIC_CAPTCHA_TTL_SECONDS = env.int("LINKAGE_PUBLIC_CAPTCHA_TTL_SECONDS", default=300)
PUBLIC_ID_PATTERN_MISS_LIMIT = env.int("LINKAGE_PUBLIC_ID_PATTERN_MISS_LIMIT", default=5)
PUBLIC_ID_PATTERN_WINDOW_DAYS = env.int("LINKAGE_PUBLIC_ID_PATTERN_WINDOW_DAYS", default=30)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated API call gets 401 with WWW-Authenticate (docs/api.md).
        "linkage.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Request bodies are JSON (nested deeper than LINKAGE_JSON_MAX_DEPTH is a 400, linkage/parsers.py); only the
    # operations that take a file also accept multipart (`linkage.parsers.UPLOAD_PARSERS`), so the schema lists one
    # encoding per body and a generated client encodes it the way the server reads it (issue 21).
    "DEFAULT_PARSER_CLASSES": ["linkage.parsers.BoundedJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "linkage.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["linkage.api.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "linkage.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "执行联动 API",
    "DESCRIPTION": "执行联动机制信息平台对成员单位开放的接口（v1）。",
    "VERSION": "1.5.0",  # docs/api-changelog.md; docs/openapi-v1.json is the last published (manage.py api_snapshot)
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "linkage.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "LiftGroundEnum": "assistance.models.LiftGround.choices",
        "ListingGroundEnum": "blacklist.models.ListingGround.choices",
        "DeletionGroundEnum": "blacklist.models.DeletionGround.choices",
        "ScreeningSourceEnum": "blacklist.models.ScreeningSource.choices",
        "TermSourceEnum": "assistance.terms.TermSource.choices",
        "LocateReasonEnum": "assistance.tracking_models.LocateReason.choices",
        "OutcomeEnum": "assistance.models.ReplyOutcome.choices",  # its v1.0 name: kept for generated clients
        "RepairGroundEnum": "blacklist.credit_models.RepairGround.choices",
        "RepairOutcomeEnum": "blacklist.credit_models.RepairOutcome.choices",
        "DisciplineAnswerEnum": "assistance.referral_models.DisciplineAnswer.choices",
        "CrimeReferralResultEnum": "assistance.api.referrals.CRIME_RESULTS",
        "StatusEnum": "cases.models.CaseStatus.choices",  # its v1.0 name: kept when another "status" came (1.4.0)
        "IssuedDocumentStatusEnum": "linkage.verification_models.IssuedDocumentStatus.choices",
    },
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="zxld@localhost")

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-pass-2026")

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy on every page, in development too so the browser tests meet it: everything from the app
# itself, no inline script or style (scripts are files under static/js, styles classes in static/css), no frames.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login throttling and lockout (django-axes): after LINKAGE_LOGIN_FAILURE_LIMIT failed logins for one user name from
# one address, that pair is locked for LINKAGE_LOGIN_COOLOFF_MINUTES; an administrator can unlock it in the admin.
AXES_FAILURE_LIMIT = env.int("LINKAGE_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LINKAGE_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "linkage.otp.lockout_response"
AXES_CLIENT_IP_CALLABLE = "linkage.audit.client_address"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # registered read-only by linkage/admin_auth.py
# Per account, whatever the addresses: LINKAGE_LOGIN_ACCOUNT_FAILURE_LIMIT failures within the cool-off time lock the
# account itself (linkage/lockout.py); 0 turns this off.
LINKAGE_LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("LINKAGE_LOGIN_ACCOUNT_FAILURE_LIMIT", default=20)
# Second factor (django-otp, TOTP): a user who has enrolled an authenticator app must give its code (login page,
# admin login, API token). The roles listed here must enrol before using the app and get no API token until they
# have: administrator, committee, leader, clerk, liaison (comma-separated; empty for none).
OTP_TOTP_ISSUER = "执行联动"
LINKAGE_OTP_REQUIRED_ROLES = env.list("LINKAGE_OTP_REQUIRED_ROLES", default=["administrator"])
# API tokens (linkage/tokens.py): a person's token expires after this many days; a unit's system account's token
# (minted by an administrator) does not.
LINKAGE_TOKEN_TTL = datetime.timedelta(days=env.int("LINKAGE_TOKEN_TTL_DAYS", default=30))

# Grid liaisons (网格员, issue 25): light accounts that log in by mobile number and an SMS code
# (members/sms_login.py), never by password, get no API token, and reach only the paths below (members/confinement.py:
# 404 anywhere else, the site's root sends them to GRID_HOME_URL). The public pages stay open to them as to anyone.
GRID_HOME_URL = "/grid/"
GRID_ALLOWED_PREFIXES = (
    "/grid/", "/accounts/sms-login/", "/accounts/login/", "/accounts/logout/", "/notifications/", "/static/",
    "/favicon.ico", "/verify/", "/public/", "/briefings/read/",
    "/communities/",  # its own community's posting of the list (the view lets it read only its own)
    "/api/v1/verify/", "/api/v1/public/", "/api/v1/schema/", "/api/v1/docs/", "/api/v1/auth/token/",
)
SMS_LOGIN_CODE_MINUTES = env.int("LINKAGE_SMS_LOGIN_CODE_MINUTES", default=5)  # a code's life
SMS_LOGIN_MAX_ATTEMPTS = env.int("LINKAGE_SMS_LOGIN_MAX_ATTEMPTS", default=5)  # wrong tries per code (at most 20)
SMS_LOGIN_RESEND_SECONDS = env.int("LINKAGE_SMS_LOGIN_RESEND_SECONDS", default=60)  # per number
SMS_LOGIN_DAILY_LIMIT = env.int("LINKAGE_SMS_LOGIN_DAILY_LIMIT", default=10)  # codes per number in 24 hours
SMS_LOGIN_RATE_PER_MINUTE = env.int("LINKAGE_SMS_LOGIN_RATE_PER_MINUTE", default=5)  # code requests per address
SMS_LOGIN_CHECK_RATE_PER_MINUTE = env.int("LINKAGE_SMS_LOGIN_CHECK_RATE_PER_MINUTE", default=10)  # tries per address
SMS_LOGIN_SESSION_DAYS = env.int("LINKAGE_SMS_LOGIN_SESSION_DAYS", default=30)  # a grid liaison's phone session

# Client address: behind a reverse proxy set LINKAGE_TRUSTED_PROXY_COUNT so X-Forwarded-For is used.
TRUSTED_PROXY_COUNT = env.int("LINKAGE_TRUSTED_PROXY_COUNT", default=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
