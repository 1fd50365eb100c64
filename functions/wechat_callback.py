"""WeChat official-account callback (/wechat/callback): the same app as the API, in its own function
so that its Q&A index stays warm and a burst of messages can't starve the citizen API."""

from functions.api import handler

__all__ = ["handler"]
