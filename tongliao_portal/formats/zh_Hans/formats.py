"""Chinese date formats for the portal.

Django 5.2's own zh_Hans DATE_INPUT_FORMATS contain ``%n``/``%j`` and reject
``2016年9月5日``; these are the spellings bureau staff actually type: 2024-03-01, 2024/3/1,
2024.3.1 and 2024年3月1日, with or without leading zeros. The list is ``units.dates``'s, the
one every date field of the portal uses, so a form field built by Django reads the same.
"""

from units.dates import INPUT_FORMATS

DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = "Y-m-d"
DATE_INPUT_FORMATS = list(INPUT_FORMATS)
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
]
