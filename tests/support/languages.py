"""Browser language headers for test clients: the panel answers in the browser's language
(issue 21), and tests that read its English texts say they read English."""

ENGLISH = {"Accept-Language": "en"}
RUSSIAN = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
