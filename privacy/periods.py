"""Calendar months added to or taken from a date or datetime (a 31st becomes the last day
of a shorter month)."""

import calendar
from datetime import date, datetime


def add_months(moment: date | datetime, months: int):
    total = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
