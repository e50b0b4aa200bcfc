"""The public search's captcha (issue 17 item 4): served by the app itself, no external service and no CDN.

A challenge is a random key and a 5-digit answer kept in the cache (Redis) for `PUBLIC_CAPTCHA_TTL_SECONDS`; the
image `/public/captcha/<key>.png` is drawn from it with Pillow. An answer is checked once: right or wrong, the
challenge is gone, so one solved image buys one query."""

import hmac
import io
import random
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from redis.exceptions import RedisError

ANSWER_DIGITS = 5
_KEY_LENGTH = 22  # secrets.token_urlsafe(16)
_rng = random.SystemRandom()


def _cache_key(key):
    return f"public-captcha:{key}"


def _valid_key(key):
    return isinstance(key, str) and len(key) == _KEY_LENGTH and key.replace("-", "").replace("_", "").isalnum()


def new_challenge():
    """A fresh challenge: its key (the answer stays in the cache). Raises RedisError when the cache is down."""
    key = secrets.token_urlsafe(16)
    answer = "".join(_rng.choice("0123456789") for _ in range(ANSWER_DIGITS))
    cache.set(_cache_key(key), answer, timeout=settings.PUBLIC_CAPTCHA_TTL_SECONDS)
    return key


def image_url(key):
    return reverse("blacklist:public-captcha", kwargs={"key": key})


def solve(key, answer):
    """Whether `answer` solves the challenge `key`; the challenge is used up either way (one try per image).
    Two concurrent requests with the same right answer: only the one whose delete removed it passes."""
    if not _valid_key(key):
        return False
    expected = cache.get(_cache_key(key))
    if expected is None or not cache.delete(_cache_key(key)):
        return False
    typed = "".join(str(answer or "").split()).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return hmac.compare_digest(typed.encode(), expected.encode())


def draw(answer):
    """The answer as a PNG: digits at jittered positions and angles over noise lines and dots, slightly blurred."""
    width, height = 160, 56
    image = Image.new("RGB", (width, height), (246, 246, 240))
    canvas = ImageDraw.Draw(image)
    for _ in range(6):
        canvas.line([(_rng.randint(0, width), _rng.randint(0, height)) for _ in range(2)],
                    fill=tuple(_rng.randint(90, 200) for _ in range(3)), width=_rng.randint(1, 2))
    font = ImageFont.load_default(size=34)
    step = (width - 20) // len(answer)
    for index, digit in enumerate(answer):
        glyph = Image.new("RGBA", (44, 50), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((8, 2), digit, font=font, fill=tuple(_rng.randint(10, 110) for _ in range(3)) + (255,))
        glyph = glyph.rotate(_rng.uniform(-28, 28), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (10 + index * step + _rng.randint(-3, 3), _rng.randint(-2, 8)), glyph)
    for _ in range(120):
        canvas.point((_rng.randint(0, width - 1), _rng.randint(0, height - 1)),
                     fill=tuple(_rng.randint(60, 220) for _ in range(3)))
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def captcha_image(request, key):
    """`/public/captcha/<key>.png`: the image of a live challenge, never cached; 404 once it is used or expired."""
    try:
        answer = cache.get(_cache_key(key)) if _valid_key(key) else None
    except RedisError:
        return HttpResponse("验证码暂不可用，请稍后再试。", status=503, content_type="text/plain; charset=utf-8")
    if answer is None:
        raise Http404("验证码已过期，请刷新页面。")
    response = HttpResponse(draw(answer), content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response
