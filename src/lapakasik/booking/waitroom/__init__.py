"""The fair opening: the waiting room of each day's quota release (docs/booking.md, "Fair opening").

- ``policy`` — pure: the window and period of an opening, the order of places, when a place is admitted;
- ``tokens`` — the signed place and admission tokens;
- ``services`` — join, a place's status (a poll: cache only), admission at booking time and its single
  use, the supply of seats, the live counts, telling those waiting that the day is gone;
The Ninja router (``/api/v1/opening/…``) is ``booking.api_opening``.
"""
