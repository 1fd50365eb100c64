"""WeChat official-account callback (公众号): signature check, plain and safe (AES) mode.

Text messages are answered by the policy Q&A; "进度"/"查询" lead to the status page; a new follower
gets a welcome with the menu of what the account can do. A bad signature gets 403 and nothing else.
"""

from flask import Blueprint, Response, abort, request

from yimen.domain.policy import catalogue
from yimen.entrypoints.web.common import api_doc, services

# wechatpy is imported inside the views: only the callback function ever needs it, not the API's cold start.

bp = Blueprint("wechat_callback", __name__)

STATUS_WORDS = ("进度", "查询", "查进度")
WELCOME = (
    "您好，欢迎关注“一门”社会救助！进一扇门，解多种难。\n"
    "您可以直接发文字问我，比如：\n"
    "1. 低保要什么条件\n2. 五保户一个月给多少钱\n3. 申请临时救助要带什么材料\n"
    "回复“进度”查办理进度；\n"
    "看全部政策：{base}/policy\n测一测能享受哪些救助：{base}/selfcheck\n"
    "紧急求助请拨打 {hotline}。"
)


def _config():
    config = services().config
    return config.wechat_token, config.wechat_aes_key, config.wechat_appid, config.public_base_url


def _verify(token: str) -> None:
    from wechatpy.exceptions import InvalidSignatureException
    from wechatpy.utils import check_signature

    args = request.args
    try:
        check_signature(token, args.get("signature", ""), args.get("timestamp", ""), args.get("nonce", ""))
    except InvalidSignatureException:
        abort(403)


@bp.get("/wechat/callback")
@api_doc("微信公众号服务器地址校验", tags=("wechat",))
def verify():
    token, *_ = _config()
    _verify(token)
    return Response(request.args.get("echostr", ""), mimetype="text/plain")


@bp.post("/wechat/callback")
@api_doc("微信公众号消息回调（明文/安全模式）", tags=("wechat",))
def receive():
    from wechatpy import create_reply, parse_message
    from wechatpy.crypto import WeChatCrypto
    from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException

    token, aes_key, appid, base = _config()
    _verify(token)
    args, body = request.args, request.get_data()
    safe_mode = args.get("encrypt_type") == "aes"
    crypto = WeChatCrypto(token, aes_key, appid) if safe_mode and aes_key else None
    if safe_mode and crypto is None:
        abort(403)  # safe mode requested but not configured: refuse rather than answer in plain text
    if crypto:
        try:
            body = crypto.decrypt_message(
                body, args.get("msg_signature", ""), args.get("timestamp", ""), args.get("nonce", "")
            )
        except (InvalidSignatureException, InvalidAppIdException):
            abort(403)
    message = parse_message(body)
    reply = create_reply(reply_text(message, base), message).render()
    if crypto:
        reply = crypto.encrypt_message(reply, args.get("nonce", ""), args.get("timestamp"))
    return Response(reply, mimetype="application/xml")


def reply_text(message, base: str) -> str:
    if message.type == "event" and getattr(message, "event", "") == "subscribe":
        return WELCOME.format(base=base, hotline=catalogue().region("")["hotline"])
    # voice messages carry WeChat's own transcript when speech recognition is switched on for the account
    content = (getattr(message, "content", None) or getattr(message, "recognition", None) or "").strip()
    if message.type not in ("text", "voice") or not content:
        return "目前只能回答文字问题，请直接打字问我，比如“低保要什么条件”。"
    if content in STATUS_WORDS:
        return f"查办理进度请点这里：{base}/status\n输入申请人身份证号即可看到办到哪一步。"
    answer = services().policy_qa.ask(content[:200])
    # links in answers are site-relative; a chat message needs the full address
    return answer.body + "详情：" + " ".join(base + link for link in answer.links)
