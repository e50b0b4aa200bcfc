"""Chinese first: the interface is zh-hans unless the user chose another language with the switcher (a cookie).
The browser's Accept-Language is not followed, so an English-language browser on a government intranet still
sees the Chinese interface it was built for."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
