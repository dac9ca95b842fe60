"""Placeholder: the iALS work fills this in."""


class ImplicitALS:
    pass
