"""The recruiter's screens, each module a screen with the handlers for its buttons.

Linking the chat (`link`); the booking desk: the agenda and a booking's card (`agenda`), a
request's or booking's decisions (`decisions`), attendance and results (`outcomes`), with what
they share (`desk`); slots: the `/slots` menu (`slots_menu`), one slot (`new_slot`), a series
(`series`), the coming slots (`slot_list`); `guard` last.
"""
