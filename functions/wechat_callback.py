"""WeChat official-account callback (/wechat/callback): the same app as the API, in its own function
so that its Q&A index stays warm and a burst of messages can't starve the citizen API.

WeChat waits 5 s for a reply, and a cold container spends most of that loading jieba's dictionary
and building the Q&A index. A schedule pings the function every 5 minutes (serverless.yml); the
ping builds the app and the engine and answers nothing, so a message finds a warm container."""

from functions.api import wsgi_handler
from functions.runtime import services


def handler(event: dict, context) -> dict:
    if event.get("source") == "aws.events":  # the warm-up schedule
        wsgi_handler()
        services().policy_qa  # noqa: B018 - builds the engine now, so a message finds it built
        return {"warm": True}
    return wsgi_handler()(event, context)
