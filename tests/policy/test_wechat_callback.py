"""Official-account callback: signatures, plain and AES safe mode, Q&A replies, welcome, status link."""

import base64
import hashlib
import time

import pytest
import xmltodict
from wechatpy.crypto import WeChatCrypto

TOKEN = "local-callback-token"
AES_KEY = base64.b64encode(b"k" * 32).decode().rstrip("=")  # 43 characters, as WeChat issues them


def signed(token: str = TOKEN, nonce: str = "n0nce") -> dict:
    timestamp = str(int(time.time()))
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": timestamp, "nonce": nonce}


def text_xml(content: str, msg_type: str = "text", event: str = "") -> str:
    extra = f"<Content><![CDATA[{content}]]></Content>" if msg_type == "text" else f"<Event>{event}</Event>"
    return (
        f"<xml><ToUserName>gh_yimen</ToUserName><FromUserName>o_user</FromUserName>"
        f"<CreateTime>1700000000</CreateTime><MsgType>{msg_type}</MsgType>{extra}<MsgId>1</MsgId></xml>"
    )


def reply_content(response) -> str:
    return xmltodict.parse(response.get_data(as_text=True))["xml"]["Content"]


def test_server_verification_echoes_only_with_a_good_signature(client):
    ok = client.get("/wechat/callback", query_string={**signed(), "echostr": "hello"})
    assert ok.status_code == 200 and ok.get_data(as_text=True) == "hello"
    bad = client.get("/wechat/callback", query_string={**signed("wrong"), "echostr": "hello"})
    assert bad.status_code == 403


def test_text_is_answered_by_the_policy_qa(client, config):
    response = client.post("/wechat/callback", query_string=signed(), data=text_xml("低保要带啥材料"))
    content = reply_content(response)
    assert "家庭经济状况核对授权书" in content
    assert f"详情：{config.public_base_url}/policy/dibao" in content


def test_a_question_about_two_aids_cites_both_pages_in_full(client, config):
    question = text_xml("低保和特困能一起领吗")
    content = reply_content(client.post("/wechat/callback", query_string=signed(), data=question))
    base = config.public_base_url
    assert "不能同时享受" in content
    assert content.endswith(f"详情：{base}/policy/dibao {base}/policy/tekun")


def test_status_words_lead_to_the_status_page(client, config):
    content = reply_content(client.post("/wechat/callback", query_string=signed(), data=text_xml("进度")))
    assert f"{config.public_base_url}/status" in content


def test_subscribe_gets_the_welcome_menu(client):
    content = reply_content(
        client.post("/wechat/callback", query_string=signed(), data=text_xml("", "event", "subscribe"))
    )
    assert "欢迎关注" in content and "进度" in content and "/selfcheck" in content


def test_voice_with_transcript_is_answered_and_images_get_a_hint(client):
    voice = text_xml("", "voice").replace(
        "<Event></Event>",
        "<MediaId>m1</MediaId><Format>amr</Format><Recognition><![CDATA[高龄津贴一个月多少]]></Recognition>",
    )
    assert "高龄津贴" in reply_content(client.post("/wechat/callback", query_string=signed(), data=voice))
    image = text_xml("", "image").replace("<Event></Event>", "<PicUrl>http://x/y.jpg</PicUrl><MediaId>m2</MediaId>")
    assert "文字问题" in reply_content(client.post("/wechat/callback", query_string=signed(), data=image))


def test_bad_signature_on_a_message_is_403(client):
    response = client.post("/wechat/callback", query_string=signed("wrong"), data=text_xml("低保"))
    assert response.status_code == 403


@pytest.fixture
def aes(services):
    return WeChatCrypto(TOKEN, AES_KEY, services.config.wechat_appid)


@pytest.mark.parametrize("config_overrides", [{"wechat_aes_key": AES_KEY}])
def test_safe_mode_decrypts_the_question_and_encrypts_the_answer(client, aes):
    params = signed()
    encrypted = aes.encrypt_message(text_xml("五保户一个月给多少钱"), params["nonce"], params["timestamp"])
    envelope = xmltodict.parse(encrypted)["xml"]
    response = client.post(
        "/wechat/callback",
        data=encrypted,
        query_string={**params, "encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]},
    )
    assert response.status_code == 200
    reply_env = xmltodict.parse(response.get_data(as_text=True))["xml"]
    plain = aes.decrypt_message(
        response.get_data(), reply_env["MsgSignature"], reply_env["TimeStamp"], reply_env["Nonce"]
    )
    assert "特困人员救助供养" in xmltodict.parse(plain)["xml"]["Content"]


@pytest.mark.parametrize("config_overrides", [{"wechat_aes_key": AES_KEY}])
def test_safe_mode_with_a_forged_message_signature_is_403(client, aes):
    params = signed()
    encrypted = aes.encrypt_message(text_xml("低保"), params["nonce"], params["timestamp"])
    response = client.post(
        "/wechat/callback", data=encrypted, query_string={**params, "encrypt_type": "aes", "msg_signature": "0" * 40}
    )
    assert response.status_code == 403
