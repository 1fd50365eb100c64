"""WeChat official-account callback (/wechat/callback): the same app as the API, in its own function
so that its Q&A index stays warm and a burst of messages can't starve the citizen API.

WeChat waits 5 s for a reply, and a cold container spends most of that loading jieba's dictionary
and building the Q&A index. A schedule pings the function every 5 minutes (serverless.yml); the
ping builds the app and the engine and answers nothing, so a message finds a warm container."""

from functions.api import wsgi_handler


def handler(event: dict, context) -> dict:
    if event.get("source") == "aws.events":  # the warm-up schedule
        from yimen.services.policy.qa.engine import policy_qa

        wsgi_handler()
        policy_qa()
        return {"warm": True}
    return wsgi_handler()(event, context)
